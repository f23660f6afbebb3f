import { z } from "zod";
import {
  BitbucketAuthError,
  BitbucketError,
  BitbucketForbiddenError,
  BitbucketNetworkError,
  BitbucketRateLimitError,
  BitbucketServerError,
  type BitbucketClient,
  type BitbucketRepository,
} from "@/lib/bitbucket";
import { AppError } from "@/lib/errors";
import { reconnectRequired } from "@/lib/auth/bitbucket-credential";
import pLimit from "p-limit";
import type { ListingProblem, PickerRepository } from "./listing-stream";

export type ImportableRepository = PickerRepository;
export type WorkspaceProblem = ListingProblem;

export type RepositoryListingPage = {
  repositories: ImportableRepository[];
  /** Opaque; null when every workspace has been read to the end. */
  cursor: string | null;
  workspaces: string[];
  problems: WorkspaceProblem[];
};

const cursorSchema = z.object({
  workspaces: z.array(z.string()),
  pending: z.array(z.object({ workspace: z.string(), next: z.string().url() })),
});
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw new AppError("invalid_cursor", "The list position is no longer valid; reload the page.");
  }
}

/**
 * A filter as typed on the import page: "ledger" matches names and slugs in every workspace;
 * "acme/" narrows to the workspace acme, and "acme/ledger" to the matches in it (what the list
 * shows is "workspace/slug", so typing what it shows finds it).
 */
export function parseRepositoryFilter(filter: string | undefined): { workspace: string | null; text: string } {
  const trimmed = filter?.trim() ?? "";
  const slash = trimmed.indexOf("/");
  if (slash < 0) return { workspace: null, text: trimmed };
  return { workspace: trimmed.slice(0, slash).trim().toLowerCase(), text: trimmed.slice(slash + 1).trim() };
}

/** Workspaces listed at once: one request each, so this bounds the wait, not the number of requests. */
const WORKSPACE_CONCURRENCY = 16;

/** Bitbucket failures as errors a person can act on. Auth problems always end the listing. */
export function bitbucketProblem(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof BitbucketAuthError) return reconnectRequired(error);
  if (error instanceof BitbucketForbiddenError) {
    return new AppError("bitbucket_forbidden", "Bitbucket refused: Ferry's access lacks a required permission. Reconnect Bitbucket, or ask an administrator to check the OAuth consumer's permissions.", { cause: error });
  }
  if (error instanceof BitbucketRateLimitError) {
    const resumeAt = error.resetAt ? ` Try again after ${error.resetAt.toISOString().slice(11, 16)} UTC.` : "";
    return new AppError("bitbucket_rate_limited", `Bitbucket's rate limit is exhausted for now.${resumeAt}`, { cause: error });
  }
  if (error instanceof BitbucketServerError) {
    return new AppError("bitbucket_unreachable", `Bitbucket is not answering properly (it answered HTTP ${error.status ?? 500}, also when asked again). Try again in a moment.`, { cause: error });
  }
  if (error instanceof BitbucketNetworkError) {
    const message = error.timedOut ? "Bitbucket is not answering (no answer in time, also when asked again). Try again in a moment." : "Bitbucket could not be reached. Check the connection and try again.";
    return new AppError("bitbucket_unreachable", message, { cause: error });
  }
  if (error instanceof BitbucketError) {
    return new AppError("bitbucket_error", `Bitbucket answered with an error: ${error.message}`, { cause: error });
  }
  throw error;
}

export function toRow(repository: BitbucketRepository): ImportableRepository {
  return {
    uuid: repository.uuid,
    fullName: repository.fullName,
    name: repository.name,
    slug: repository.slug,
    workspace: repository.workspaceSlug,
    description: repository.description ?? "",
    isPrivate: repository.isPrivate,
    htmlUrl: repository.htmlUrl,
    updatedOn: repository.updatedOn ?? null,
  };
}

type PageResult<Extra> = { workspace: string; values: BitbucketRepository[]; next: string | null; extra: Extra } | { workspace: string; problem: string };

/** What one step of the listing reports, workspace by workspace, in workspace order. */
export type ListingEvent<Extra = undefined> =
  | { type: "repositories"; workspace: string; repositories: BitbucketRepository[]; extra: Extra }
  | { type: "problem"; workspace: string; message: string };

export type ListingStep = {
  /** Every workspace the user belongs to (sorted). */
  workspaces: string[];
  /**
   * Reads the next page of every workspace still pending, in parallel, and hands each workspace's
   * result to `emit` as soon as it and all workspaces before it have answered (so rows only ever
   * append). Resolves to the cursor of the following step, null when all have been read.
   */
  run<Extra = undefined>(
    emit: (event: ListingEvent<NoInfer<Extra>>) => void | Promise<void>,
    /** Runs as each workspace answers, in parallel (e.g. looking up import statuses); its result rides along in order. */
    prepare?: (repositories: BitbucketRepository[]) => Promise<Extra>,
  ): Promise<string | null>;
};

/**
 * One step through the repositories of all the user's workspaces. Starting a step (listing the
 * workspaces, or decoding the cursor) throws; failures of single workspaces are reported as
 * events and the rest continue, except a lost Bitbucket connection, which ends the step.
 */
export async function startListingStep(client: BitbucketClient, options: { filter?: string; cursor?: string }): Promise<ListingStep> {
  let workspaces: string[];
  let steps: Array<{ workspace: string; next: string | null }>;
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    workspaces = cursor.workspaces;
    steps = cursor.pending;
  } else {
    try {
      workspaces = (await client.listWorkspaces()).map((workspace) => workspace.slug).sort();
    } catch (error) {
      throw bitbucketProblem(error);
    }
    steps = workspaces.map((workspace) => ({ workspace, next: null }));
  }
  const { workspace: onlyWorkspace, text } = parseRepositoryFilter(options.filter);
  const filter = text || undefined;
  if (onlyWorkspace !== null && !options.cursor) {
    workspaces = workspaces.filter((workspace) => workspace.toLowerCase() === onlyWorkspace);
    steps = steps.filter((step) => step.workspace.toLowerCase() === onlyWorkspace);
  }

  return {
    workspaces,
    async run<Extra>(emit: (event: ListingEvent<Extra>) => void | Promise<void>, prepare?: (repositories: BitbucketRepository[]) => Promise<Extra>) {
      const results: Array<PageResult<Extra> | undefined> = new Array(steps.length);
      const pending: Cursor["pending"] = [];
      let flushed = 0;
      let flushing = Promise.resolve();
      const flush = () => {
        flushing = flushing.then(async () => {
          while (flushed < steps.length && results[flushed]) {
            const result = results[flushed++]!;
            if ("problem" in result) {
              await emit({ type: "problem", workspace: result.workspace, message: result.problem });
              continue;
            }
            if (result.next) pending.push({ workspace: result.workspace, next: result.next });
            await emit({ type: "repositories", workspace: result.workspace, repositories: result.values, extra: result.extra });
          }
        });
        return flushing;
      };
      await pLimit(WORKSPACE_CONCURRENCY).map(steps, async (step, index) => {
        try {
          const page = step.next
            ? await client.fetchNextPage(step.next)
            : await client.listRepositoriesPage(step.workspace, { nameFilter: filter, pagelen: 100, sort: "slug" });
          const extra = (prepare ? await prepare(page.values) : undefined) as Extra;
          results[index] = { workspace: step.workspace, values: page.values, next: page.next, extra };
        } catch (error) {
          const problem = bitbucketProblem(error);
          if (problem.code === "bitbucket_reconnect_required") throw problem;
          results[index] = { workspace: step.workspace, problem: problem.message };
        }
        await flush();
      });
      await flushing;
      return pending.length > 0 ? encodeCursor({ workspaces, pending }) : null;
    },
  };
}

/**
 * One step through the repositories of all the user's workspaces: every workspace still
 * pending advances by one page, in parallel. A workspace that fails is reported, the rest continue.
 */
export async function listImportableRepositories(
  client: BitbucketClient,
  options: { filter?: string; cursor?: string },
): Promise<RepositoryListingPage> {
  const step = await startListingStep(client, options);
  const repositories: ImportableRepository[] = [];
  const problems: WorkspaceProblem[] = [];
  const cursor = await step.run((event) => {
    if (event.type === "problem") problems.push({ workspace: event.workspace, message: event.message });
    else repositories.push(...event.repositories.map(toRow));
  });
  repositories.sort((a, b) => a.fullName.localeCompare(b.fullName, "en", { sensitivity: "base" }));
  return { repositories, cursor, workspaces: step.workspaces, problems };
}

/** Every repository matching the filter, across all pages of all workspaces (for "Import all"). */
export async function listAllRepositories(
  client: BitbucketClient,
  options: { filter?: string },
): Promise<{ repositories: BitbucketRepository[]; problems: WorkspaceProblem[] }> {
  const repositories: BitbucketRepository[] = [];
  const problems: WorkspaceProblem[] = [];
  let cursor: string | undefined;
  do {
    const step = await startListingStep(client, { filter: options.filter, cursor });
    const next = await step.run((event) => {
      if (event.type === "problem") problems.push({ workspace: event.workspace, message: event.message });
      else repositories.push(...event.repositories);
    });
    cursor = next ?? undefined;
  } while (cursor);
  return { repositories, problems };
}
