import type { IssueItem } from "@/lib/issues";
import type { LabelWithCounts } from "@/lib/labels";
import type { ApprovalItem, MergeRequestItem } from "@/lib/merge-requests";
import type { MilestoneItem } from "@/lib/milestones";
import { parseNotePosition, type Discussion, type NoteItem } from "@/lib/notes";
import { sourceUserSummary } from "@/lib/users/people";
import { assigneesOf } from "@/lib/work-items";
import { dayDate, isoDate, serializeOptionalUser, serializeUser, webUrl } from "./users";

/** GitLab marks imported objects; Ferry's rows say where they came from. */
function importedFields(importedFrom: string | null) {
  return { imported: importedFrom !== null, imported_from: importedFrom ?? "none" };
}

type ProjectRef = { id: number; fullPath: string };

// ---------------------------------------------------------------------------------------------
// Labels and milestones

export function serializeMilestone(milestone: MilestoneItem, project: ProjectRef, now: Date = new Date()) {
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

export function serializeLabel(label: LabelWithCounts) {
  return {
    id: label.id,
    name: label.title,
    color: label.color,
    text_color: textColorFor(label.color),
    description: label.description,
    description_html: null,
    open_issues_count: label.openIssues,
    closed_issues_count: label.closedIssues,
    open_merge_requests_count: label.openMergeRequests,
    subscribed: false,
    priority: null,
    is_project_label: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Issues

/** What GitLab shows of an issue's or merge request's labels (names), milestone and assignees (`assignee`: the first). */
function classification(item: IssueItem | MergeRequestItem, project: ProjectRef) {
  const assignees = assigneesOf(item);
  return {
    labels: item.labels.map((entry) => entry.label.title),
    milestone: item.milestone ? serializeMilestone(item.milestone, project) : null,
    assignees: assignees.map(serializeUser),
    assignee: serializeOptionalUser(assignees[0] ?? null),
  };
}

function timeStats() {
  return { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null };
}

export function serializeIssue(issue: IssueItem, project: ProjectRef) {
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
    ...classification(issue, project),
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

export function serializeMergeRequest(mergeRequest: MergeRequestItem, project: ProjectRef) {
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
    reviewers,
    source_project_id: project.id,
    target_project_id: project.id,
    ...classification(mergeRequest, project),
    draft: mergeRequest.draft,
    work_in_progress: mergeRequest.draft,
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

/**
 * GitLab's approval state. Approvals by source users that map to no Ferry user cannot appear in
 * `approved_by` (which needs a user); `imported_approvals` lists every approval as imported.
 */
export function serializeApprovals(mergeRequest: MergeRequestItem, project: ProjectRef) {
  const approvals: ApprovalItem[] = mergeRequest.approvals;
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

// ---------------------------------------------------------------------------------------------
// Notes and discussions

export type Noteable =
  | { kind: "Issue"; id: number; iid: number; project: ProjectRef }
  | { kind: "MergeRequest"; id: number; iid: number; project: ProjectRef; baseSha: string | null; headSha: string | null };

/** GitLab's diff note position; a note stored without shas takes its merge request's. */
function notePosition(note: NoteItem, noteable: Noteable) {
  if (note.type !== "DiffNote" || noteable.kind !== "MergeRequest") return undefined;
  const position = parseNotePosition(note.position);
  if (!position) return undefined;
  const baseSha = position.baseSha ?? noteable.baseSha;
  const headSha = position.headSha ?? noteable.headSha;
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

export function serializeNote(note: NoteItem, noteable: Noteable) {
  const position = notePosition(note, noteable);
  return {
    id: note.id,
    type: note.type,
    body: note.body,
    attachment: null,
    author: serializeUser(note.author),
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

/** A thread in GitLab's Discussion shape. */
export function serializeDiscussion(discussion: Discussion, noteable: Noteable) {
  return {
    id: discussion.id,
    individual_note: discussion.notes.length === 1 && discussion.notes[0].type === null,
    notes: discussion.notes.map((note) => serializeNote(note, noteable)),
  };
}
