import { toPublicError, type PublicError } from "@/lib/errors";
import type { RowImportStatus } from "./status";

/** A row of the repository picker, the same for every source. */
export type PickerRepository = {
  /** The source's stable id of the repository. */
  uuid: string;
  /** "group/slug", what the row shows and the import is keyed by. */
  fullName: string;
  /** The display name. */
  name: string;
  slug: string;
  /** The group the source lists it under: a Bitbucket workspace, a GitHub owner, a Bitbucket Server project. */
  workspace: string;
  description: string;
  isPrivate: boolean;
  htmlUrl: string;
  updatedOn: string | null;
};

export type ListingProblem = { workspace: string; message: string };

/** The lines of a picker's listing endpoint (newline-delimited JSON), in this order. */
export type ListingStreamEvent =
  | { type: "workspaces"; workspaces: string[] }
  | { type: "repositories"; workspace: string; repositories: PickerRepository[]; imports: Record<string, RowImportStatus> }
  | { type: "problem"; workspace: string; message: string }
  | { type: "end"; cursor: string | null }
  | { type: "error"; error: PublicError };

/** One step of a source's listing: its groups, then each group's page in group order, then the next step's cursor. */
export type StreamableListingStep<Repository> = {
  workspaces: string[];
  run(
    emit: (event: { type: "repositories"; workspace: string; repositories: Repository[]; extra: Record<string, RowImportStatus> } | ({ type: "problem" } & ListingProblem)) => void,
    prepare: (repositories: Repository[]) => Promise<Record<string, RowImportStatus>>,
  ): Promise<string | null>;
};

/**
 * A listing step as the picker's stream: newline-delimited JSON, group by group as the source
 * answers, each chunk with the import statuses of its repositories. Errors before the first byte
 * (no connection, a stale cursor) are thrown by the caller before this and are ordinary JSON errors.
 */
export function listingStreamResponse<Repository>(
  step: StreamableListingStep<Repository>,
  options: {
    toRow: (repository: Repository) => PickerRepository;
    statuses: (fullNames: string[]) => Promise<Record<string, RowImportStatus>>;
    requestId: string;
    context: string;
  },
): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: ListingStreamEvent) => {
        if (open) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      send({ type: "workspaces", workspaces: step.workspaces });
      try {
        const cursor = await step.run(
          (event) => {
            if (event.type === "problem") return send(event);
            send({ type: "repositories", workspace: event.workspace, repositories: event.repositories.map(options.toRow), imports: event.extra });
          },
          (repositories) => options.statuses(repositories.map((repository) => options.toRow(repository).fullName)),
        );
        send({ type: "end", cursor });
      } catch (error) {
        send({ type: "error", error: toPublicError(error, options.requestId, options.context).body });
      }
      if (open) controller.close();
      open = false;
    },
    cancel() {
      open = false;
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
  });
}
