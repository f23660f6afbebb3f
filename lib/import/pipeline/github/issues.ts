import { db } from "@/lib/db";
import { sourceUserOf, type GitHubIssue } from "@/lib/import/sources/github";
import { insertMissing } from "../bulk-insert";
import { sourceFields, sourceUserJson, type ImportContext } from "../context";
import { ISSUE_COLUMNS, ISSUE_LABEL_COLUMNS, type PreparedIssue } from "../issues";
import { addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "../records";
import { assigneeIdsOf, ISSUE_ASSIGNEE_COLUMNS, labelIdsFor, milestoneIdsFor } from "./assignments";
import { localiseWrittenTexts } from "./attachments";
import { GitHubText } from "./text";

type Prepared = PreparedIssue & { labelTitles: string[]; assigneeIds: string[] };

/**
 * One page of GitHub's issue listing. Issues become Ferry issues with GitHub's number as iid
 * (pull request numbers stay free for their merge requests), state, labels, milestone, every
 * assignee (the first also in `assigneeId`), 👍 reactions as upvotes and the close reason;
 * the listing's pull request entries only reserve their numbers. Returns the numbers written.
 */
export async function importGitHubIssues(ctx: ImportContext, items: readonly GitHubIssue[]): Promise<number[]> {
  await ctx.checkpoint();
  const text = await GitHubText.forContext(ctx);
  const projectId = ctx.project.id;
  const pulls = items.filter((item) => item.pull_request);
  text.addPullNumbers(pulls.map((item) => item.number));
  const issues = items.filter((item) => !item.pull_request);
  await text.remember(ctx, issues.flatMap((item) => [sourceUserOf(item.user), ...item.assignees.map(sourceUserOf)]));
  const labelIds = await labelIdsFor(projectId, issues.flatMap((issue) => issue.labels));
  const milestoneIds = await milestoneIdsFor(projectId);

  const failures = new Map<number, string>();
  const prepared: Prepared[] = [];
  for (const issue of issues) {
    try {
      prepared.push(await prepareGitHubIssue(ctx, text, issue, milestoneIds));
    } catch (error) {
      failures.set(issue.number, errorMessage(error));
    }
  }
  await ctx.checkpoint();
  const written = await writeIsolatingFailures(
    prepared,
    (rows) =>
      db.$transaction(async (tx) => {
        await insertMissing(tx, "issues", ISSUE_COLUMNS, rows.map((row) => row.data));
        const ids = new Map((await tx.issue.findMany({ where: { projectId, iid: { in: rows.map((row) => row.data.iid) } }, select: { id: true, iid: true } })).map((row) => [row.iid, row.id]));
        const links = rows.flatMap((row) => row.labelTitles.flatMap((title) => (labelIds.has(title) ? [{ issueId: ids.get(row.data.iid)!, labelId: labelIds.get(title)! }] : [])));
        await insertMissing(tx, "issue_labels", ISSUE_LABEL_COLUMNS, links);
        const assignees = rows.flatMap((row) => row.assigneeIds.map((userId, position) => ({ issueId: ids.get(row.data.iid)!, userId, position })));
        await insertMissing(tx, "issue_assignees", ISSUE_ASSIGNEE_COLUMNS, assignees);
      }),
    (row, error) => failures.set(row.data.iid, errorMessage(error)),
  );
  await localiseIssueTexts(ctx, issues, written.map((row) => row.data.iid));
  await addProgress(ctx.importId, "issue", { imported: written.length, failed: failures.size });
  await resolveFailures(ctx.importId, "issue", written.map((row) => String(row.data.iid)));
  for (const [number, message] of failures) {
    await recordFailure(ctx.importId, { stage: "github_issues", objectType: "issue", sourceId: String(number), sourceUrl: issues.find((issue) => issue.number === number)?.html_url, message });
  }
  return written.map((row) => row.data.iid);
}

/** The issue row of a GitHub issue, with its label titles and every mapped assignee (the first is the issue's assignee); no writes. */
export async function prepareGitHubIssue(ctx: ImportContext, text: GitHubText, issue: GitHubIssue, milestoneIds: ReadonlyMap<number, number>): Promise<Prepared> {
  const reporter = sourceUserOf(issue.user);
  const assignee = sourceUserOf(issue.assignees[0]);
  const assigneeIds = await assigneeIdsOf(ctx, issue.assignees);
  const author = await ctx.author(reporter);
  const reason = issue.state === "closed" && issue.state_reason === "not_planned" ? "\n\n*Closed as not planned.*" : "";
  return {
    issue: { id: issue.number } as PreparedIssue["issue"],
    labelIds: [],
    labelTitles: issue.labels.map((label) => label.name),
    assigneeIds,
    data: {
      projectId: ctx.project.id,
      iid: issue.number,
      title: issue.title,
      description: text.convert(issue.body ?? "", reporter, author.mapped) + reason,
      state: issue.state === "closed" ? "closed" : "opened",
      authorId: author.userId,
      assigneeId: assigneeIds[0] ?? null,
      milestoneId: issue.milestone ? (milestoneIds.get(issue.milestone.number) ?? null) : null,
      upvotes: issue.reactions?.["+1"] ?? 0,
      closedAt: issue.closed_at ? new Date(issue.closed_at) : null,
      ...sourceFields({ id: issue.number, createdAt: issue.created_at, updatedAt: issue.updated_at }, reporter, ctx.importedFrom),
      sourceAssignee: sourceUserJson(assignee),
    },
  };
}

/** The attachments the descriptions of these written issues link to, downloaded, and the descriptions pointed at them. */
export async function localiseIssueTexts(ctx: ImportContext, issues: readonly GitHubIssue[], written: readonly number[]): Promise<void> {
  const projectId = ctx.project.id;
  const writtenIids = new Set(written);
  await localiseWrittenTexts(
    ctx,
    new Map(issues.filter((issue) => writtenIids.has(issue.number)).map((issue) => [issue.number, issue.body])),
    async (iids) =>
      (await db.issue.findMany({ where: { projectId, iid: { in: iids } }, select: { id: true, iid: true, description: true, updatedAt: true } })).map((row) => ({
        ...row,
        key: row.iid,
        owner: { issueId: row.id },
        text: row.description,
      })),
    (row, description) => db.issue.update({ where: { id: row.id }, data: { description, updatedAt: row.updatedAt } }),
  );
}
