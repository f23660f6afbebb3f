import { existsSync } from "node:fs";
import type { SessionUser } from "@/lib/auth";
import { db, Prisma } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import type { ImportStatus, IssueState, MergeRequestState } from "@/lib/generated/prisma/enums";
import { projectRepositoryPath, runGit } from "@/lib/git";
import { projectAccess, type ProjectAccess } from "./access";

/**
 * Data loading for the project pages. Pages call these after `loadProjectForUser` has
 * established read access; every function here is scoped by project id.
 */

export const PAGE_SIZE = 20;

// ---------------------------------------------------------------------------------------------
// Projects

const personSelect = { id: true, kind: true, username: true, name: true, image: true } satisfies Prisma.UserSelect;
export type Person = Prisma.UserGetPayload<{ select: typeof personSelect }>;

/** A project's own columns, as the pages and the API read them. */
export const projectFieldsSelect = {
  id: true,
  name: true,
  path: true,
  fullPath: true,
  description: true,
  visibility: true,
  defaultBranch: true,
  hasWiki: true,
  namespaceId: true,
  importType: true,
  importSource: true,
  importUrl: true,
  importWarning: true,
  createdAt: true,
} satisfies Prisma.ProjectSelect;

const projectSelect = {
  ...projectFieldsSelect,
  namespace: { select: { id: true, kind: true, name: true, fullPath: true } },
  import: {
    select: {
      id: true,
      status: true,
      stage: true,
      error: true,
      cancelRequestedAt: true,
      waitingUntil: true,
      startedAt: true,
      finishedAt: true,
      createdAt: true,
    },
  },
} satisfies Prisma.ProjectSelect;

export type Project = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;
export type ProjectImportSummary = NonNullable<Project["import"]>;

/** The project at `fullPath` (exact, else ignoring case); no access check. */
export async function findProject(fullPath: string): Promise<Project | null> {
  if (!fullPath) return null;
  const exact = await db.project.findUnique({ where: { fullPath }, select: projectSelect });
  if (exact) return exact;
  return db.project.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: projectSelect });
}

/** The project and the caller's access to it; null when it does not exist or the caller can't read it (both are a 404). */
export async function loadProjectForUser(user: SessionUser | null, fullPath: string): Promise<{ project: Project; access: ProjectAccess } | null> {
  const project = await findProject(fullPath);
  if (!project) return null;
  const access = await projectAccess(user, project);
  return access.canRead ? { project, access } : null;
}

/** Open issue and merge request counts for the project navigation. */
export async function projectCounts(projectId: number): Promise<{ openIssues: number; openMergeRequests: number }> {
  const [openIssues, openMergeRequests] = await Promise.all([
    db.issue.count({ where: { projectId, state: "opened" } }),
    db.mergeRequest.count({ where: { projectId, state: "opened" } }),
  ]);
  return { openIssues, openMergeRequests };
}

// ---------------------------------------------------------------------------------------------
// Repository

/** Branch and tag counts of the project's repository; null when there is no repository (yet). */
export async function repositoryRefCounts(projectId: number): Promise<{ branches: number; tags: number } | null> {
  const dir = projectRepositoryPath(projectId);
  if (!existsSync(dir)) return null;
  try {
    const { stdout } = await runGit([`--git-dir=${dir}`, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags"], {
      cwd: dir,
      timeoutMs: 15_000,
    });
    return countRefs(stdout);
  } catch {
    return null;
  }
}

export function countRefs(output: string): { branches: number; tags: number } {
  let branches = 0;
  let tags = 0;
  for (const line of output.split("\n")) {
    if (line.startsWith("refs/heads/")) branches++;
    else if (line.startsWith("refs/tags/")) tags++;
  }
  return { branches, tags };
}

// ---------------------------------------------------------------------------------------------
// Listing helpers

export type Paged<T> = { items: T[]; total: number; page: number; pageCount: number };

/** A page number from `?page=`: a positive integer, else 1. */
export function parsePage(value: string | string[] | undefined): number {
  const raw = Array.isArray(value) ? value[0] : value;
  const page = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return page >= 1 ? page : 1;
}

function paged<T>(items: T[], total: number, page: number): Paged<T> {
  return { items, total, page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

const labelSelect = { id: true, title: true, color: true, description: true } satisfies Prisma.LabelSelect;
export type LabelSummary = Prisma.LabelGetPayload<{ select: typeof labelSelect }>;

// ---------------------------------------------------------------------------------------------
// Issues

export type IssueStateFilter = IssueState | "all";

export function parseIssueState(value: string | string[] | undefined): IssueStateFilter {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw === "closed" || raw === "all" ? raw : "opened";
}

const issueListSelect = {
  id: true,
  iid: true,
  title: true,
  state: true,
  upvotes: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: personSelect },
  assignee: { select: personSelect },
  milestone: { select: { id: true, iid: true, title: true, state: true } },
  labels: { select: { label: { select: labelSelect } }, orderBy: { label: { title: "asc" } } },
  _count: { select: { notes: { where: { system: false } } } },
} satisfies Prisma.IssueSelect;

export type IssueListItem = Prisma.IssueGetPayload<{ select: typeof issueListSelect }>;

export async function listIssues(projectId: number, options: { state: IssueStateFilter; page: number }): Promise<Paged<IssueListItem>> {
  const where: Prisma.IssueWhereInput = { projectId, ...(options.state === "all" ? {} : { state: options.state }) };
  const [items, total] = await Promise.all([
    db.issue.findMany({
      where,
      select: issueListSelect,
      orderBy: [{ createdAt: "desc" }, { iid: "desc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
    db.issue.count({ where }),
  ]);
  return paged(items, total, options.page);
}

export async function issueStateCounts(projectId: number): Promise<Record<IssueStateFilter, number>> {
  const groups = await db.issue.groupBy({ by: ["state"], where: { projectId }, _count: { _all: true } });
  const counts: Record<IssueStateFilter, number> = { opened: 0, closed: 0, all: 0 };
  for (const group of groups) {
    counts[group.state] = group._count._all;
    counts.all += group._count._all;
  }
  return counts;
}

const issueSelect = {
  ...issueListSelect,
  description: true,
  sourceId: true,
  watchers: true,
} satisfies Prisma.IssueSelect;

export type IssueDetail = Prisma.IssueGetPayload<{ select: typeof issueSelect }>;

export async function getIssue(projectId: number, iid: number): Promise<IssueDetail | null> {
  return db.issue.findUnique({ where: { projectId_iid: { projectId, iid } }, select: issueSelect });
}

const attachmentSelect = { id: true, fileName: true, size: true, contentType: true, createdAt: true } satisfies Prisma.IssueAttachmentSelect;
export type IssueAttachmentItem = Prisma.IssueAttachmentGetPayload<{ select: typeof attachmentSelect }>;

/** The issue's attachments by name. */
export async function issueAttachments(issueId: number): Promise<IssueAttachmentItem[]> {
  return db.issueAttachment.findMany({ where: { issueId }, select: attachmentSelect, orderBy: [{ fileName: "asc" }, { id: "asc" }] });
}

/**
 * The source user's name when an imported note's author is not a Ferry user (archive imports
 * record `{username, displayName, mapped: false}`, or `{anonymous: true}`); null otherwise.
 */
export function unmappedSourceName(sourceAuthor: unknown): string | null {
  if (!sourceAuthor || typeof sourceAuthor !== "object" || Array.isArray(sourceAuthor)) return null;
  const record = sourceAuthor as Record<string, unknown>;
  if (record.mapped !== false) return null;
  if (record.anonymous === true) return "Anonymous";
  return sourceUserName(record) ?? "Anonymous";
}

// ---------------------------------------------------------------------------------------------
// Notes and discussions

const noteSelect = {
  id: true,
  discussionId: true,
  type: true,
  body: true,
  system: true,
  position: true,
  createdAt: true,
  updatedAt: true,
  importedFrom: true,
  sourceId: true,
  sourceAuthor: true,
  author: { select: personSelect },
} satisfies Prisma.NoteSelect;

export type NoteItem = Prisma.NoteGetPayload<{ select: typeof noteSelect }>;

/** Where a diff note sits: the file and the old/new line (either may be missing). */
export type NotePosition = { path: string; oldLine: number | null; newLine: number | null };

export type Discussion<N = NoteItem> = {
  id: string;
  /** The first note, then the replies, oldest first. */
  notes: [N, ...N[]];
  /** The diff position of the thread (from its first diff note), or null for a plain discussion. */
  position: NotePosition | null;
};

function lineNumber(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  return null;
}

/** Reads a note's `position` JSON ({path, oldLine, newLine}); null when there is no usable path. */
export function parseNotePosition(value: unknown): NotePosition | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const filePath = [record.path, record.newPath, record.oldPath].find((candidate): candidate is string => typeof candidate === "string" && candidate.length > 0);
  if (!filePath) return null;
  return { path: filePath, oldLine: lineNumber(record.oldLine), newLine: lineNumber(record.newLine) };
}

/** "src/app.ts · line 5" (the new line, else the old one). */
export function describePosition(position: NotePosition): string {
  if (position.newLine !== null) return `${position.path} · line ${position.newLine}`;
  if (position.oldLine !== null) return `${position.path} · line ${position.oldLine} (removed)`;
  return position.path;
}

function byTime<N extends { createdAt: Date; id: number }>(a: N, b: N): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;
}

/**
 * Groups notes into threads by discussionId: threads ordered by their first note, notes in a
 * thread oldest first. A thread's position comes from its first note that has one.
 */
export function groupDiscussions<N extends { id: number; discussionId: string; createdAt: Date; position: unknown }>(notes: readonly N[]): Discussion<N>[] {
  const threads = new Map<string, N[]>();
  for (const note of [...notes].sort(byTime)) {
    const thread = threads.get(note.discussionId);
    if (thread) thread.push(note);
    else threads.set(note.discussionId, [note]);
  }
  return [...threads.entries()].map(([id, thread]) => ({
    id,
    notes: thread as [N, ...N[]],
    position: thread.map((note) => parseNotePosition(note.position)).find((position) => position !== null) ?? null,
  }));
}

export async function issueNotes(issueId: number): Promise<NoteItem[]> {
  return db.note.findMany({ where: { issueId }, select: noteSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

export async function mergeRequestDiscussions(mergeRequestId: number): Promise<Discussion[]> {
  const notes = await db.note.findMany({ where: { mergeRequestId }, select: noteSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return groupDiscussions(notes);
}

// ---------------------------------------------------------------------------------------------
// Merge requests

export type MergeRequestStateFilter = MergeRequestState | "all";

export function parseMergeRequestState(value: string | string[] | undefined): MergeRequestStateFilter {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw === "merged" || raw === "closed" || raw === "all" ? raw : "opened";
}

const mergeRequestListSelect = {
  id: true,
  iid: true,
  title: true,
  state: true,
  draft: true,
  sourceBranch: true,
  targetBranch: true,
  createdAt: true,
  updatedAt: true,
  mergedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: personSelect },
  assignee: { select: personSelect },
  _count: { select: { notes: { where: { system: false } }, approvals: true } },
} satisfies Prisma.MergeRequestSelect;

export type MergeRequestListItem = Prisma.MergeRequestGetPayload<{ select: typeof mergeRequestListSelect }>;

export async function listMergeRequests(
  projectId: number,
  options: { state: MergeRequestStateFilter; page: number },
): Promise<Paged<MergeRequestListItem>> {
  const where: Prisma.MergeRequestWhereInput = { projectId, ...(options.state === "all" ? {} : { state: options.state }) };
  const [items, total] = await Promise.all([
    db.mergeRequest.findMany({
      where,
      select: mergeRequestListSelect,
      orderBy: [{ createdAt: "desc" }, { iid: "desc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
    db.mergeRequest.count({ where }),
  ]);
  return paged(items, total, options.page);
}

export async function mergeRequestStateCounts(projectId: number): Promise<Record<MergeRequestStateFilter, number>> {
  const groups = await db.mergeRequest.groupBy({ by: ["state"], where: { projectId }, _count: { _all: true } });
  const counts: Record<MergeRequestStateFilter, number> = { opened: 0, merged: 0, closed: 0, all: 0 };
  for (const group of groups) {
    counts[group.state] = group._count._all;
    counts.all += group._count._all;
  }
  return counts;
}

const mergeRequestSelect = {
  ...mergeRequestListSelect,
  description: true,
  sourceSha: true,
  targetSha: true,
  mergeCommitSha: true,
  sourceFork: true,
  sourceClosedBy: true,
  mergedBy: { select: personSelect },
  closedBy: { select: personSelect },
  reviewers: { select: { sourceUserId: true, sourceUser: true, user: { select: personSelect } } },
  approvals: {
    select: { id: true, sourceUser: true, approvedAt: true, importedFrom: true, user: { select: personSelect } },
    orderBy: [{ approvedAt: "asc" }, { id: "asc" }],
  },
} satisfies Prisma.MergeRequestSelect;

export type MergeRequestDetail = Prisma.MergeRequestGetPayload<{ select: typeof mergeRequestSelect }>;

export async function getMergeRequest(projectId: number, iid: number): Promise<MergeRequestDetail | null> {
  return db.mergeRequest.findUnique({ where: { projectId_iid: { projectId, iid } }, select: mergeRequestSelect });
}

/** A display name from a stored source user ({uuid, account_id, nickname, display_name} or the camelCase form). */
export function sourceUserName(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  for (const key of ["display_name", "displayName", "nickname", "username"]) {
    const candidate = record[key];
    if (typeof candidate === "string" && candidate.trim()) return candidate;
  }
  return null;
}

/** The name to show for a mapped user, falling back to the source user. */
export function personName(person: Pick<Person, "name" | "username"> | null, sourceUser?: unknown): string {
  return person?.name || person?.username || sourceUserName(sourceUser) || "Unknown user";
}

// ---------------------------------------------------------------------------------------------
// Labels and milestones

export type LabelWithCount = LabelSummary & { issueCount: number };

export async function listLabels(projectId: number): Promise<LabelWithCount[]> {
  const labels = await db.label.findMany({
    where: { projectId },
    select: { ...labelSelect, _count: { select: { issues: true } } },
    orderBy: { title: "asc" },
  });
  return labels.map(({ _count, ...label }) => ({ ...label, issueCount: _count.issues }));
}

export type MilestoneWithCounts = {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: "active" | "closed";
  dueDate: Date | null;
  openIssues: number;
  closedIssues: number;
};

export async function listMilestones(projectId: number): Promise<MilestoneWithCounts[]> {
  const [milestones, groups] = await Promise.all([
    db.milestone.findMany({
      where: { projectId },
      select: { id: true, iid: true, title: true, description: true, state: true, dueDate: true },
      orderBy: [{ state: "asc" }, { dueDate: { sort: "asc", nulls: "last" } }, { title: "asc" }],
    }),
    db.issue.groupBy({ by: ["milestoneId", "state"], where: { projectId, milestoneId: { not: null } }, _count: { _all: true } }),
  ]);
  const counts = new Map<number, { opened: number; closed: number }>();
  for (const group of groups) {
    if (group.milestoneId === null) continue;
    const entry = counts.get(group.milestoneId) ?? { opened: 0, closed: 0 };
    entry[group.state] += group._count._all;
    counts.set(group.milestoneId, entry);
  }
  return milestones.map((milestone) => ({
    ...milestone,
    openIssues: counts.get(milestone.id)?.opened ?? 0,
    closedIssues: counts.get(milestone.id)?.closed ?? 0,
  }));
}

// ---------------------------------------------------------------------------------------------
// Import details

export const IMPORT_STATUS_NAMES: Record<ImportStatus, string> = {
  scheduled: "Pending",
  started: "Importing…",
  finished: "Complete",
  partial: "Partially completed",
  failed: "Failed",
  canceled: "Cancelled",
};

export function isImportActive(status: ImportStatus): boolean {
  return status === "scheduled" || status === "started";
}

/** The order object types are imported in; unknown types go last. */
const OBJECT_TYPE_ORDER = [
  "repository",
  "wiki",
  "label",
  "milestone",
  "user",
  "pull_request",
  "pull_request_note",
  "approval",
  "issue",
  "issue_note",
  "lfs_object",
];

/** At most this many ledger rows are loaded (unresolved first). */
export const FAILURE_LIMIT = 200;

const importDetailSelect = {
  id: true,
  source: true,
  sourceRepository: true,
  status: true,
  stage: true,
  error: true,
  cancelRequestedAt: true,
  waitingUntil: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  updatedAt: true,
  progress: { select: { objectType: true, total: true, fetched: true, imported: true, failed: true, skipped: true } },
  messages: { select: { id: true, severity: true, code: true, message: true, createdAt: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  failures: {
    select: {
      id: true,
      stage: true,
      objectType: true,
      sourceId: true,
      sourceUrl: true,
      message: true,
      attempts: true,
      resolvedAt: true,
      createdAt: true,
      updatedAt: true,
    },
    orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }, { id: "asc" }],
    take: FAILURE_LIMIT,
  },
  _count: { select: { failures: true } },
} satisfies Prisma.ProjectImportSelect;

export type ImportDetails = Prisma.ProjectImportGetPayload<{ select: typeof importDetailSelect }> & {
  unresolvedFailures: number;
};

export async function getImportDetails(projectId: number): Promise<ImportDetails | null> {
  const details = await db.projectImport.findUnique({ where: { projectId }, select: importDetailSelect });
  if (!details) return null;
  const unresolvedFailures = await db.importFailure.count({ where: { importId: details.id, resolvedAt: null } });
  const rank = (type: string) => {
    const index = OBJECT_TYPE_ORDER.indexOf(type);
    return index === -1 ? OBJECT_TYPE_ORDER.length : index;
  };
  const progress = [...details.progress].sort((a, b) => rank(a.objectType) - rank(b.objectType) || a.objectType.localeCompare(b.objectType));
  return { ...details, progress, unresolvedFailures };
}

/** The project an import belongs to (for permission checks in actions). */
export async function findImportProject(importId: number): Promise<{ id: number; fullPath: string; namespaceId: number; visibility: Project["visibility"] } | null> {
  const row = await db.projectImport.findUnique({
    where: { id: importId },
    select: { project: { select: { id: true, fullPath: true, namespaceId: true, visibility: true } } },
  });
  return row?.project ?? null;
}
