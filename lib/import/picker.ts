import { queueArchiveJobsForNewProject, validateArchiveAttachments, type ArchiveAttachments } from "@/lib/archive";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError, isAppError, newRequestId, toPublicError } from "@/lib/errors";
import { namespacePathProblem, projectPathFromName, projectPathProblem, toValidPath } from "@/lib/namespaces/paths";
import { personalNamespace, resolveImportTarget } from "@/lib/namespaces/targets";
import type { UserMapping } from "@/lib/settings";
import pLimit from "p-limit";
import type { BitbucketRepository } from "@/lib/bitbucket";
import { bitbucketClientForUser } from "./bitbucket-client";
import { listAllRepositories, type WorkspaceProblem } from "./repository-listing";
import { resumeBitbucketImport, startBitbucketImport, type StartImportInput } from "./start";
import { importStatusesFor, type RowImportStatus } from "./status";

/**
 * What the repository picker's actions do, for any source (the actions made by
 * lib/actions/picker-actions.ts validate the input and the session, then call these). Permission
 * checks happen here and below, on the server, through lib/projects/access: the target namespace
 * in the source's start (resolveImportTarget), the import in its resume, the attached archives in
 * queueArchiveJobsForNewProject.
 */

/** A source repository as the picker's server side needs it: "group/slug" and its slug. */
export type PickerSourceRepository = { fullName: string; slug: string };

/**
 * How a source plugs into the picker's server side: list everything a filter matches (for Import
 * all), start a new import and continue a stopped one (both check rights through
 * lib/projects/access), and the statuses of its repositories' latest imports.
 */
export type PickerBackend<Repository extends PickerSourceRepository = PickerSourceRepository> = {
  /** The source's key in the stage table (project_imports.source). */
  source: string;
  /** The error code meaning the user's connection to the source is lost: it ends an Import all instead of failing every repository alike. */
  reconnectCode: string;
  /** `params` are the source's extra filter values (its listing's query parameters besides filter and cursor). */
  listAll(user: SessionUser, filter: string | undefined, params: Record<string, string>): Promise<{ repositories: Repository[]; problems: WorkspaceProblem[] }>;
  start(
    user: SessionUser,
    input: Pick<StartImportInput, "repository" | "targetNamespace" | "name" | "userMapping" | "takenNamespace"> & { sourceRepository?: Repository },
  ): Promise<{ projectId: number }>;
  resume(user: SessionUser, importId: number): Promise<unknown>;
  statuses(user: SessionUser, repositories: readonly string[]): Promise<Record<string, RowImportStatus>>;
};

export const bitbucketCloudPicker: PickerBackend<BitbucketRepository> = {
  source: "bitbucket_cloud",
  reconnectCode: "bitbucket_reconnect_required",
  listAll: async (user, filter) => listAllRepositories(await bitbucketClientForUser(user.id), { filter }),
  start: startBitbucketImport,
  resume: resumeBitbucketImport,
  statuses: (user, repositories) => importStatusesFor(user, repositories, "bitbucket_cloud"),
};

export type PickerTarget = {
  /** Full namespace path; the personal namespace when empty. */
  targetNamespace?: string | null;
  /** Project path; the repository slug (made valid) when empty. */
  name?: string | null;
};

/** A user-facing problem with a picker target, or null. The same rules the API applies. */
export function targetProblem(target: PickerTarget): string | null {
  const namespace = target.targetNamespace?.trim();
  if (namespace) {
    const problem = namespacePathProblem(namespace);
    if (problem) return problem;
  }
  if (target.name === undefined || target.name === null) return null;
  const name = target.name.trim();
  return name === "" ? "Project path can't be blank." : projectPathProblem(projectPathFromName(name));
}

function requireValidTarget(target: PickerTarget): void {
  const problem = targetProblem(target);
  if (problem) throw new AppError("invalid_path", problem);
}

export type PickerImportInput = PickerTarget & {
  repository: string;
  userMapping?: UserMapping;
  /** An issue-export archive and a wiki to import into the project once its source import has ended. */
  attachments?: ArchiveAttachments;
};
export type PickerImportResult = { status: RowImportStatus; resumed: boolean };

/** At most this many imports start per "Import all"; the rest are reported (run it again for them). */
export const IMPORT_ALL_LIMIT = 1000;
/** Imports created at once; each is a short transaction and a queued job. */
const IMPORT_ALL_CONCURRENCY = 4;

export type ImportAllPreview = { count: number; limit: number; alreadyImported: number; problems: WorkspaceProblem[] };

export type ImportAllInput = {
  filter?: string;
  /** The source's extra filter values. */
  params?: Record<string, string>;
  /** Where repositories without an override go; the personal namespace when empty. */
  targetNamespace?: string | null;
  /** Targets edited on rows, by repository full name. */
  overrides?: Record<string, PickerTarget>;
  userMapping?: UserMapping;
};

export type ImportAllResult = {
  started: RowImportStatus[];
  /** Repositories not imported, with the reason (invalid target, taken project path, …). */
  rejected: Array<{ repository: string; message: string }>;
  /** Matching repositories beyond IMPORT_ALL_LIMIT, left for the next run. */
  remaining: number;
  alreadyImported: number;
  problems: WorkspaceProblem[];
};

export type TargetPreview = {
  /** Where the project would land; null when the target is invalid. */
  fullPath: string | null;
  /** What happens to the namespace: the personal one, an existing group, a group created, or the personal one instead of a namespace the user cannot import into. */
  namespace: "personal" | "existing" | "new" | "fallback" | null;
  warning: string | null;
  /** Why Import would fail (an invalid target, a taken project path). */
  problem: string | null;
  /** A free project path like the one asked for, when that one is taken. */
  suggestion: string | null;
  /** A failed or cancelled import of this repository is there: Import continues it. */
  resumes: boolean;
};

/** Carries a preview out of its transaction, which is thereby rolled back. */
class PreviewReady extends Error {
  constructor(readonly preview: TargetPreview) {
    super("target preview");
  }
}

/** The picker's operations for one source. */
export function pickerFor<Repository extends PickerSourceRepository>(backend: PickerBackend<Repository>) {
  /**
   * Import from a row: a failed or cancelled import of this repository already at the chosen path
   * is continued in place; otherwise a new project is created (a taken namespace falls back to the
   * personal namespace with a warning; a taken project path is an error and nothing is created).
   */
  async function importFromPicker(user: SessionUser, input: PickerImportInput): Promise<PickerImportResult> {
    requireValidTarget(input);
    const attachments = input.attachments && Object.values(input.attachments).some(Boolean) ? input.attachments : null;
    // Checked before anything is created, so a bad attachment loses nothing.
    if (attachments) await validateArchiveAttachments({ userId: user.id, attachments });
    const slug = input.repository.split("/").at(-1) ?? input.repository;
    const name = input.name?.trim() || toValidPath(slug, "project");
    const namespace = input.targetNamespace?.trim() || (await personalNamespace(db, user)).fullPath;
    const previous = await db.project.findFirst({
      where: {
        fullPath: sameTextIgnoringCase(`${namespace}/${projectPathFromName(name)}`),
        import: { source: backend.source, sourceRepository: sameTextIgnoringCase(input.repository), status: { in: ["failed", "canceled"] } },
      },
      select: { id: true, import: { select: { id: true } } },
    });
    let resumed = false;
    let projectId = previous?.id ?? null;
    if (previous?.import) {
      try {
        await backend.resume(user, previous.import.id);
        resumed = true;
      } catch (error) {
        // An import the user may not manage: the new import below reports the taken path (or falls back to the personal namespace).
        if (!isAppError(error) || (error.code !== "not_found" && error.code !== "forbidden")) throw error;
      }
    }
    if (!resumed) {
      ({ projectId } = await backend.start(user, {
        repository: input.repository,
        targetNamespace: input.targetNamespace?.trim() || null,
        name,
        userMapping: input.userMapping,
        takenNamespace: "fallback",
      }));
    }
    if (attachments && projectId !== null) {
      await queueArchiveJobsForNewProject({ projectId, userId: user.id, attachments, userMapping: input.userMapping });
    }
    return { status: await statusOf(user, input.repository), resumed };
  }

  async function statusOf(user: SessionUser, repository: string): Promise<RowImportStatus> {
    const statuses = await backend.statuses(user, [repository]);
    const status = statuses[repository] ?? Object.values(statuses)[0];
    if (!status) throw new Error(`The import of ${repository} was started but cannot be found`);
    return status;
  }

  /** Every repository matching the filter, on every page of every group, that the user has not imported yet. */
  async function importAllCandidates(user: SessionUser, filter: string | undefined, params: Record<string, string> = {}) {
    const listing = await backend.listAll(user, filter, params);
    const statuses = await backend.statuses(user, listing.repositories.map((repository) => repository.fullName));
    const repositories = listing.repositories.filter((repository) => !statuses[repository.fullName]);
    return { repositories, alreadyImported: listing.repositories.length - repositories.length, problems: listing.problems };
  }

  async function previewImportAll(user: SessionUser, options: { filter?: string; params?: Record<string, string> }): Promise<ImportAllPreview> {
    const candidates = await importAllCandidates(user, options.filter?.trim() || undefined, options.params);
    return { count: candidates.repositories.length, limit: IMPORT_ALL_LIMIT, alreadyImported: candidates.alreadyImported, problems: candidates.problems };
  }

  /**
   * Imports every not-yet-imported repository matching the filter. Each one is validated and
   * started on its own: rows with problems are reported, the rest proceed. The imports queue on
   * pg-boss in this order and their stages interleave with every other import's (first in, first out).
   */
  async function importAll(user: SessionUser, input: ImportAllInput): Promise<ImportAllResult> {
    const candidates = await importAllCandidates(user, input.filter?.trim() || undefined, input.params);
    const batch = candidates.repositories.slice(0, IMPORT_ALL_LIMIT);
    const overrides = new Map(Object.entries(input.overrides ?? {}).map(([repository, target]) => [repository.toLowerCase(), target]));
    const rejected: ImportAllResult["rejected"] = [];
    const startedNames: string[] = [];

    await pLimit(IMPORT_ALL_CONCURRENCY).map(batch, async (repository) => {
      const override = overrides.get(repository.fullName.toLowerCase());
      const target: PickerTarget = {
        targetNamespace: override?.targetNamespace?.trim() || input.targetNamespace?.trim() || null,
        name: override?.name?.trim() || toValidPath(repository.slug, "project"),
      };
      const problem = targetProblem(target);
      if (problem) {
        rejected.push({ repository: repository.fullName, message: problem });
        return;
      }
      try {
        await backend.start(user, {
          repository: repository.fullName,
          sourceRepository: repository,
          targetNamespace: target.targetNamespace,
          name: target.name,
          userMapping: input.userMapping,
          takenNamespace: "fallback",
        });
        startedNames.push(repository.fullName);
      } catch (error) {
        if (isAppError(error) && error.code === backend.reconnectCode) throw error;
        const message = isAppError(error) ? error.message : toPublicError(error, newRequestId(), `import all ${backend.source}`).body.message;
        rejected.push({ repository: repository.fullName, message });
      }
    });

    const statuses = await backend.statuses(user, startedNames);
    return {
      started: startedNames.flatMap((name) => (statuses[name] ? [statuses[name]] : [])),
      rejected: rejected.sort((a, b) => a.repository.localeCompare(b.repository)),
      remaining: candidates.repositories.length - batch.length,
      alreadyImported: candidates.alreadyImported,
      problems: candidates.problems,
    };
  }

  /**
   * What Import would do with a row's target, decided by the same code the import runs
   * (resolveImportTarget, in a transaction that is always rolled back): where the project lands,
   * whether a group is created or the namespace falls back to the personal one, and whether the
   * project path is taken (with a free one to suggest).
   */
  async function previewTarget(user: SessionUser, input: PickerTarget & { repository: string }): Promise<TargetPreview> {
    const problem = targetProblem(input);
    if (problem) return { fullPath: null, namespace: null, warning: null, problem, suggestion: null, resumes: false };
    const slug = input.repository.split("/").at(-1) ?? input.repository;
    const path = projectPathFromName(input.name?.trim() || toValidPath(slug, "project"));
    try {
      await db.$transaction(async (tx) => {
        const target = await resolveImportTarget(tx, user, input.targetNamespace, "fallback");
        const pathTaken = async (candidate: string) => {
          const fullPath = `${target.namespace.fullPath}/${candidate}`;
          const [project, namespace] = await Promise.all([
            tx.project.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { id: true, import: { select: { source: true, sourceRepository: true, status: true } } } }),
            tx.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { id: true } }),
          ]);
          return { fullPath, project, taken: Boolean(project || namespace) };
        };
        const asked = await pathTaken(path);
        const imported = asked.project?.import;
        const resumes = Boolean(
          imported && imported.source === backend.source && imported.sourceRepository.toLowerCase() === input.repository.toLowerCase() && (imported.status === "failed" || imported.status === "canceled"),
        );
        let suggestion: string | null = null;
        if (asked.taken && !resumes) {
          for (let n = 2; n <= 50 && !suggestion; n++) {
            const candidate = `${path.replace(/-\d+$/, "")}-${n}`;
            if (!(await pathTaken(candidate)).taken) suggestion = candidate;
          }
        }
        throw new PreviewReady({
          fullPath: asked.fullPath,
          namespace: target.warning ? "fallback" : target.namespace.kind === "user" ? "personal" : target.created ? "new" : "existing",
          warning: target.warning ? `You cannot import into ${input.targetNamespace?.trim()}: the project will go to your personal namespace ${target.namespace.fullPath}.` : null,
          problem: asked.taken && !resumes ? `A project already exists at ${asked.fullPath}. Choose another name.` : null,
          suggestion,
          resumes,
        });
      });
    } catch (error) {
      if (error instanceof PreviewReady) return error.preview;
      if (isAppError(error) && error.code === "invalid_namespace") return { fullPath: null, namespace: null, warning: null, problem: error.message, suggestion: null, resumes: false };
      throw error;
    }
    throw new Error("unreachable: the preview transaction always ends with its answer");
  }

  return { importFromPicker, previewImportAll, importAll, previewTarget, statuses: backend.statuses };
}

export const { importFromPicker, previewImportAll, importAll } = pickerFor(bitbucketCloudPicker);
