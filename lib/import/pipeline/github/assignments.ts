import { db } from "@/lib/db";
import { sourceUserOf, type GitHubLabel, type GitHubPull, type GitHubUserJson } from "@/lib/import/sources/github";
import { insertMissing, type Columns } from "../bulk-insert";
import type { ImportContext } from "../context";

/**
 * Labels, milestones and assignees of GitHub issues and pull requests: the project's Label rows
 * (shared by issues and merge requests), milestones by GitHub's number, and every assignee in
 * GitHub's order (the first is the item's `assignee`).
 */

/** The project's label ids by title, creating the labels the items carry that the project lacks. */
export async function labelIdsFor(projectId: number, labels: readonly GitHubLabel[]): Promise<Map<string, number>> {
  if (labels.length === 0) return new Map();
  await db.label.createMany({ data: labels.map((label) => ({ projectId, title: label.name, color: `#${label.color ?? "ededed"}` })), skipDuplicates: true });
  const rows = await db.label.findMany({ where: { projectId, title: { in: [...new Set(labels.map((label) => label.name))] } }, select: { id: true, title: true } });
  return new Map(rows.map((row) => [row.title, row.id]));
}

/** The project's milestone ids by GitHub's milestone number (their iid). */
export async function milestoneIdsFor(projectId: number): Promise<Map<number, number>> {
  const rows = await db.milestone.findMany({ where: { projectId }, select: { id: true, iid: true } });
  return new Map(rows.map((row) => [row.iid, row.id]));
}

/** The Ferry users of an item's assignees, in GitHub's order, each once; those who map to nobody are left out. */
export async function assigneeIdsOf(ctx: ImportContext, assignees: readonly GitHubUserJson[]): Promise<string[]> {
  const ids: string[] = [];
  for (const assignee of assignees) {
    const id = await ctx.ferryUserFor(sourceUserOf(assignee));
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

type IssueAssigneeRow = { issueId: number; userId: string; position: number };
export const ISSUE_ASSIGNEE_COLUMNS: Columns<IssueAssigneeRow> = {
  issue_id: { type: "integer", value: (row) => row.issueId },
  user_id: { type: "text", value: (row) => row.userId },
  position: { type: "integer", value: (row) => row.position },
};

type MergeRequestAssigneeRow = { mergeRequestId: number; userId: string; position: number };
const MERGE_REQUEST_ASSIGNEE_COLUMNS: Columns<MergeRequestAssigneeRow> = {
  merge_request_id: { type: "integer", value: (row) => row.mergeRequestId },
  user_id: { type: "text", value: (row) => row.userId },
  position: { type: "integer", value: (row) => row.position },
};

const MERGE_REQUEST_LABEL_COLUMNS: Columns<{ mergeRequestId: number; labelId: number }> = {
  merge_request_id: { type: "integer", value: (row) => row.mergeRequestId },
  label_id: { type: "integer", value: (row) => row.labelId },
};

/**
 * The written pull requests' labels, milestone and assignees as the pulls listing has them now:
 * what an earlier run (or a label event since) left is replaced, so a merge request carries
 * exactly the pull request's current labels and assignees.
 */
export async function writePullAssignments(ctx: ImportContext, pulls: readonly GitHubPull[]): Promise<void> {
  if (pulls.length === 0) return;
  const projectId = ctx.project.id;
  const labelIds = await labelIdsFor(projectId, pulls.flatMap((pull) => pull.labels));
  const milestoneIds = await milestoneIdsFor(projectId);
  const rows = await db.mergeRequest.findMany({ where: { projectId, iid: { in: pulls.map((pull) => pull.number) } }, select: { id: true, iid: true } });
  const idOf = new Map(rows.map((row) => [row.iid, row.id]));
  const updates: Array<{ id: number; milestone_id: number | null; assignee_id: string | null }> = [];
  const labels: Array<{ mergeRequestId: number; labelId: number }> = [];
  const assignees: MergeRequestAssigneeRow[] = [];
  for (const pull of pulls) {
    const mergeRequestId = idOf.get(pull.number);
    if (mergeRequestId === undefined) continue;
    const userIds = await assigneeIdsOf(ctx, pull.assignees);
    updates.push({ id: mergeRequestId, milestone_id: pull.milestone ? (milestoneIds.get(pull.milestone.number) ?? null) : null, assignee_id: userIds[0] ?? null });
    for (const label of pull.labels) if (labelIds.has(label.name)) labels.push({ mergeRequestId, labelId: labelIds.get(label.name)! });
    userIds.forEach((userId, position) => assignees.push({ mergeRequestId, userId, position }));
  }
  const ids = updates.map((update) => update.id);
  await ctx.checkpoint();
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE merge_requests AS m SET milestone_id = x.milestone_id, assignee_id = x.assignee_id
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS x(id integer, milestone_id integer, assignee_id text)
      WHERE m.id = x.id`;
    await tx.mergeRequestLabel.deleteMany({ where: { mergeRequestId: { in: ids } } });
    await insertMissing(tx, "merge_request_labels", MERGE_REQUEST_LABEL_COLUMNS, labels);
    await tx.mergeRequestAssignee.deleteMany({ where: { mergeRequestId: { in: ids } } });
    await insertMissing(tx, "merge_request_assignees", MERGE_REQUEST_ASSIGNEE_COLUMNS, assignees);
  });
}
