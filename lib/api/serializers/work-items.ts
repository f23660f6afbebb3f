import type { Prisma } from "@/lib/db";
import { groupDiscussions, parseNotePosition, sourceUserName } from "@/lib/projects/queries";
import { apiUserSelect, dayDate, isoDate, serializeOptionalUser, serializeUser, webUrl, type ApiUserRow } from "./users";

/** GitLab marks imported objects; Ferry's rows say where they came from. */
function importedFields(importedFrom: string | null) {
  return { imported: importedFrom !== null, imported_from: importedFrom ?? "none" };
}

type ProjectRef = { id: number; fullPath: string };

// ---------------------------------------------------------------------------------------------
// Labels and milestones

export const apiMilestoneSelect = {
  id: true,
  iid: true,
  projectId: true,
  title: true,
  description: true,
  state: true,
  dueDate: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.MilestoneSelect;
export type ApiMilestoneRow = Prisma.MilestoneGetPayload<{ select: typeof apiMilestoneSelect }>;

export function serializeMilestone(milestone: ApiMilestoneRow, project: ProjectRef, now: Date = new Date()) {
  return {
    id: milestone.id,
    iid: milestone.iid,
    project_id: milestone.projectId,
    title: milestone.title,
    description: milestone.description,
    state: milestone.state,
    created_at: isoDate(milestone.createdAt),
    updated_at: isoDate(milestone.updatedAt),
    due_date: dayDate(milestone.dueDate),
    start_date: null,
    expired: milestone.dueDate !== null && milestone.dueDate.getTime() < now.getTime(),
    web_url: webUrl(project.fullPath, "-", "milestones", String(milestone.iid)),
  };
}

/** Black or white text, whichever reads better on the label's color. */
function textColorFor(color: string): string {
  const match = /^#?([0-9a-f]{6})$/i.exec(color);
  if (!match) return "#FFFFFF";
  const value = Number.parseInt(match[1]!, 16);
  const luminance = (0.299 * ((value >> 16) & 255) + 0.587 * ((value >> 8) & 255) + 0.114 * (value & 255)) / 255;
  return luminance > 0.5 ? "#1F1E24" : "#FFFFFF";
}

export type LabelCounts = { openIssues: number; closedIssues: number };

export function serializeLabel(label: { id: number; title: string; color: string; description: string | null }, counts: LabelCounts) {
  return {
    id: label.id,
    name: label.title,
    color: label.color,
    text_color: textColorFor(label.color),
    description: label.description,
    description_html: null,
    open_issues_count: counts.openIssues,
    closed_issues_count: counts.closedIssues,
    open_merge_requests_count: 0,
    subscribed: false,
    priority: null,
    is_project_label: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Issues

export const apiIssueSelect = {
  id: true,
  iid: true,
  projectId: true,
  title: true,
  description: true,
  state: true,
  upvotes: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: apiUserSelect },
  assignee: { select: apiUserSelect },
  milestone: { select: apiMilestoneSelect },
  labels: { select: { label: { select: { title: true } } }, orderBy: { label: { title: "asc" } } },
  _count: { select: { notes: { where: { system: false } } } },
} satisfies Prisma.IssueSelect;
export type ApiIssueRow = Prisma.IssueGetPayload<{ select: typeof apiIssueSelect }>;

function timeStats() {
  return { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null };
}

export function serializeIssue(issue: ApiIssueRow, project: ProjectRef) {
  const self = webUrl("api", "v4", "projects", String(project.id), "issues", String(issue.iid));
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: issue.projectId,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    created_at: isoDate(issue.createdAt),
    updated_at: isoDate(issue.updatedAt),
    closed_at: isoDate(issue.closedAt),
    closed_by: null,
    labels: issue.labels.map((entry) => entry.label.title),
    milestone: issue.milestone ? serializeMilestone(issue.milestone, project) : null,
    assignees: issue.assignee ? [serializeUser(issue.assignee)] : [],
    assignee: serializeOptionalUser(issue.assignee),
    author: serializeUser(issue.author),
    type: "ISSUE",
    issue_type: "issue",
    user_notes_count: issue._count.notes,
    merge_requests_count: 0,
    upvotes: issue.upvotes,
    downvotes: 0,
    due_date: null,
    confidential: false,
    discussion_locked: null,
    web_url: webUrl(project.fullPath, "-", "issues", String(issue.iid)),
    time_stats: timeStats(),
    task_completion_status: { count: 0, completed_count: 0 },
    has_tasks: false,
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${project.fullPath}#${issue.iid}` },
    _links: { self, notes: `${self}/notes`, award_emoji: `${self}/award_emoji`, project: webUrl("api", "v4", "projects", String(project.id)) },
    ...importedFields(issue.importedFrom),
  };
}

// ---------------------------------------------------------------------------------------------
// Merge requests

export const apiMergeRequestSelect = {
  id: true,
  iid: true,
  projectId: true,
  title: true,
  description: true,
  state: true,
  draft: true,
  sourceBranch: true,
  targetBranch: true,
  sourceSha: true,
  targetSha: true,
  mergeCommitSha: true,
  sourceFork: true,
  createdAt: true,
  updatedAt: true,
  mergedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: apiUserSelect },
  assignee: { select: apiUserSelect },
  mergedBy: { select: apiUserSelect },
  closedBy: { select: apiUserSelect },
  reviewers: { select: { user: { select: apiUserSelect } } },
  _count: { select: { notes: { where: { system: false } } } },
} satisfies Prisma.MergeRequestSelect;
export type ApiMergeRequestRow = Prisma.MergeRequestGetPayload<{ select: typeof apiMergeRequestSelect }>;

export function serializeMergeRequest(mergeRequest: ApiMergeRequestRow, project: ProjectRef) {
  const reviewers = mergeRequest.reviewers.flatMap((reviewer) => (reviewer.user ? [serializeUser(reviewer.user)] : []));
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: mergeRequest.projectId,
    title: mergeRequest.title,
    description: mergeRequest.description,
    state: mergeRequest.state,
    created_at: isoDate(mergeRequest.createdAt),
    updated_at: isoDate(mergeRequest.updatedAt),
    merged_by: serializeOptionalUser(mergeRequest.mergedBy),
    merge_user: serializeOptionalUser(mergeRequest.mergedBy),
    merged_at: isoDate(mergeRequest.mergedAt),
    closed_by: serializeOptionalUser(mergeRequest.closedBy),
    closed_at: isoDate(mergeRequest.closedAt),
    target_branch: mergeRequest.targetBranch,
    source_branch: mergeRequest.sourceBranch,
    /** The fork the changes came from at the source ("owner/repository"), when not this repository. */
    source_fork: mergeRequest.sourceFork,
    user_notes_count: mergeRequest._count.notes,
    upvotes: 0,
    downvotes: 0,
    author: serializeUser(mergeRequest.author),
    assignees: mergeRequest.assignee ? [serializeUser(mergeRequest.assignee)] : [],
    assignee: serializeOptionalUser(mergeRequest.assignee),
    reviewers,
    source_project_id: project.id,
    target_project_id: project.id,
    labels: [],
    draft: mergeRequest.draft,
    work_in_progress: mergeRequest.draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: "unchecked",
    detailed_merge_status: mergeRequest.state === "opened" ? "unchecked" : "not_open",
    sha: mergeRequest.sourceSha,
    merge_commit_sha: mergeRequest.mergeCommitSha,
    squash_commit_sha: null,
    diff_refs: mergeRequest.sourceSha && mergeRequest.targetSha ? { base_sha: mergeRequest.targetSha, head_sha: mergeRequest.sourceSha, start_sha: mergeRequest.targetSha } : null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    squash: false,
    has_conflicts: false,
    blocking_discussions_resolved: true,
    reference: `!${mergeRequest.iid}`,
    references: { short: `!${mergeRequest.iid}`, relative: `!${mergeRequest.iid}`, full: `${project.fullPath}!${mergeRequest.iid}` },
    web_url: webUrl(project.fullPath, "-", "merge_requests", String(mergeRequest.iid)),
    time_stats: timeStats(),
    task_completion_status: { count: 0, completed_count: 0 },
    ...importedFields(mergeRequest.importedFrom),
  };
}

export const apiApprovalSelect = {
  approvedAt: true,
  sourceUser: true,
  user: { select: apiUserSelect },
} satisfies Prisma.ApprovalSelect;
export type ApiApprovalRow = Prisma.ApprovalGetPayload<{ select: typeof apiApprovalSelect }>;

/**
 * GitLab's approval state. Approvals by source users that map to no Ferry user cannot appear in
 * `approved_by` (which needs a user); `imported_approvals` lists every approval as imported.
 */
export function serializeApprovals(mergeRequest: ApiMergeRequestRow, approvals: ApiApprovalRow[], project: ProjectRef) {
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: project.id,
    title: mergeRequest.title,
    description: mergeRequest.description,
    state: mergeRequest.state,
    created_at: isoDate(mergeRequest.createdAt),
    updated_at: isoDate(mergeRequest.updatedAt),
    merge_status: "unchecked",
    approved: approvals.length > 0,
    approvals_required: 0,
    approvals_left: 0,
    require_password_to_approve: false,
    user_has_approved: false,
    user_can_approve: false,
    approved_by: approvals.flatMap((approval) => (approval.user ? [{ user: serializeUser(approval.user) }] : [])),
    imported_approvals: approvals.map((approval) => ({
      user: serializeOptionalUser(approval.user),
      source_user: sourceUserSummary(approval.sourceUser),
      approved_at: isoDate(approval.approvedAt),
    })),
  };
}

/** A source user as stored by the import, without anything but names and ids. */
function sourceUserSummary(value: unknown) {
  const record = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const pick = (...keys: string[]) => keys.map((key) => record[key]).find((candidate): candidate is string => typeof candidate === "string") ?? null;
  return { username: pick("username", "nickname"), name: sourceUserName(value), uuid: pick("uuid") };
}

// ---------------------------------------------------------------------------------------------
// Notes and discussions

export const apiNoteSelect = {
  id: true,
  discussionId: true,
  type: true,
  body: true,
  system: true,
  position: true,
  createdAt: true,
  updatedAt: true,
  importedFrom: true,
  author: { select: apiUserSelect },
} satisfies Prisma.NoteSelect;
export type ApiNoteRow = Prisma.NoteGetPayload<{ select: typeof apiNoteSelect }>;

export type Noteable =
  | { kind: "Issue"; id: number; iid: number; project: ProjectRef }
  | { kind: "MergeRequest"; id: number; iid: number; project: ProjectRef; baseSha: string | null; headSha: string | null };

/** GitLab's diff note position, from the stored {path, oldLine, newLine, baseSha, headSha}. */
function notePosition(note: ApiNoteRow, noteable: Noteable) {
  if (note.type !== "DiffNote" || noteable.kind !== "MergeRequest") return undefined;
  const position = parseNotePosition(note.position);
  if (!position) return undefined;
  const stored = (note.position ?? {}) as { baseSha?: unknown; headSha?: unknown };
  const baseSha = typeof stored.baseSha === "string" ? stored.baseSha : noteable.baseSha;
  const headSha = typeof stored.headSha === "string" ? stored.headSha : noteable.headSha;
  return {
    base_sha: baseSha,
    start_sha: baseSha,
    head_sha: headSha,
    old_path: position.path,
    new_path: position.path,
    position_type: "text",
    old_line: position.oldLine,
    new_line: position.newLine,
    line_range: null,
  };
}

export function serializeNote(note: ApiNoteRow, noteable: Noteable) {
  const position = notePosition(note, noteable);
  return {
    id: note.id,
    type: note.type,
    body: note.body,
    attachment: null,
    author: serializeUser(note.author as ApiUserRow),
    created_at: isoDate(note.createdAt),
    updated_at: isoDate(note.updatedAt),
    system: note.system,
    noteable_id: noteable.id,
    noteable_type: noteable.kind,
    noteable_iid: noteable.iid,
    project_id: noteable.project.id,
    commands_changes: {},
    resolvable: false,
    confidential: false,
    internal: false,
    ...(position ? { position } : {}),
    ...importedFields(note.importedFrom),
  };
}

/** Threads in GitLab's Discussion shape, ordered by their first note. */
export function serializeDiscussions(notes: ApiNoteRow[], noteable: Noteable) {
  return groupDiscussions(notes).map((discussion) => ({
    id: discussion.id,
    individual_note: discussion.notes.length === 1 && discussion.notes[0].type === null,
    notes: discussion.notes.map((note) => serializeNote(note, noteable)),
  }));
}
