import { db } from "@/lib/db";
import { sourceUserOf, type GitHubIssue } from "@/lib/import/sources/github";
import { insertMissing } from "../bulk-insert";
import { sourceFields, sourceUserJson, type ImportContext } from "../context";
import { ISSUE_COLUMNS, ISSUE_LABEL_COLUMNS, type PreparedIssue } from "../issues";
import { addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "../records";
import { downloadIssueAttachments, attachmentUrls, importsAttachments, withAttachments } from "./attachments";
import { GitHubText } from "./text";

type Prepared = PreparedIssue & { labelTitles: string[] };

/**
 * One page of GitHub's issue listing. Issues become Ferry issues with GitHub's number as iid
 * (pull request numbers stay free for their merge requests), state, labels, milestone, the
 * first assignee, reactions (👍 as upvotes) and the close reason; the listing's pull request
 * entries give their merge requests the assignee. Returns the numbers of the issues written.
 */
export async function importGitHubIssues(ctx: ImportContext, items: readonly GitHubIssue[]): Promise<number[]> {
  await ctx.checkpoint();
  const text = await GitHubText.forContext(ctx);
  const projectId = ctx.project.id;
  const pulls = items.filter((item) => item.pull_request);
  text.addPullNumbers(pulls.map((item) => item.number));
  const issues = items.filter((item) => !item.pull_request);
  await text.remember(ctx, items.flatMap((item) => [sourceUserOf(item.user), ...item.assignees.map(sourceUserOf)]));
  // Pull request assignees: one statement per assignee (a page has a few), not one per pull request.
  const pullsByAssignee = new Map<string, number[]>();
  for (const pull of pulls) {
    const assignee = await ctx.ferryUserFor(sourceUserOf(pull.assignees[0]));
    if (assignee) pullsByAssignee.set(assignee, [...(pullsByAssignee.get(assignee) ?? []), pull.number]);
  }
  // A raw statement keeps the merge requests' update time (the source's); Prisma's @updatedAt would set it to now.
  for (const [assignee, numbers] of pullsByAssignee) await db.$executeRaw`UPDATE merge_requests SET assignee_id = ${assignee} WHERE project_id = ${projectId} AND iid = ANY(${numbers}::int[])`;

  const labelTitles = [...new Set(issues.flatMap((issue) => issue.labels.map((label) => label.name)))];
  if (labelTitles.length) await db.label.createMany({ data: issues.flatMap((issue) => issue.labels).map((label) => ({ projectId, title: label.name, color: `#${label.color ?? "ededed"}` })), skipDuplicates: true });
  const labelIds = new Map((await db.label.findMany({ where: { projectId, title: { in: labelTitles } }, select: { id: true, title: true } })).map((row) => [row.title, row.id]));
  const milestoneIds = new Map((await db.milestone.findMany({ where: { projectId }, select: { id: true, iid: true } })).map((row) => [row.iid, row.id]));

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
      }),
    (row, error) => failures.set(row.data.iid, errorMessage(error)),
  );
  if (importsAttachments(ctx)) await localiseAttachments(ctx, issues, written.map((row) => row.data.iid));
  await addProgress(ctx.importId, "issue", { imported: written.length, failed: failures.size });
  await resolveFailures(ctx.importId, "issue", written.map((row) => String(row.data.iid)));
  for (const [number, message] of failures) {
    await recordFailure(ctx.importId, { stage: "github_issues", objectType: "issue", sourceId: String(number), sourceUrl: issues.find((issue) => issue.number === number)?.html_url, message });
  }
  return written.map((row) => row.data.iid);
}

/** The issue row of a GitHub issue, with its label titles; no writes. */
export async function prepareGitHubIssue(ctx: ImportContext, text: GitHubText, issue: GitHubIssue, milestoneIds: ReadonlyMap<number, number>): Promise<Prepared> {
  const reporter = sourceUserOf(issue.user);
  const assignee = sourceUserOf(issue.assignees[0]);
  const author = await ctx.author(reporter);
  const reason = issue.state === "closed" && issue.state_reason === "not_planned" ? "\n\n*Closed as not planned.*" : "";
  return {
    issue: { id: issue.number } as PreparedIssue["issue"],
    labelIds: [],
    labelTitles: issue.labels.map((label) => label.name),
    data: {
      projectId: ctx.project.id,
      iid: issue.number,
      title: issue.title,
      description: text.convert(issue.body ?? "", reporter, author.mapped) + reason,
      state: issue.state === "closed" ? "closed" : "opened",
      authorId: author.userId,
      assigneeId: await ctx.ferryUserFor(assignee),
      milestoneId: issue.milestone ? (milestoneIds.get(issue.milestone.number) ?? null) : null,
      upvotes: issue.reactions?.["+1"] ?? 0,
      closedAt: issue.closed_at ? new Date(issue.closed_at) : null,
      ...sourceFields({ id: issue.number, createdAt: issue.created_at, updatedAt: issue.updated_at }, reporter, ctx.importedFrom),
      sourceAssignee: sourceUserJson(assignee),
    },
  };
}

/** The attachments issue descriptions link to, downloaded, and the descriptions pointed at them. */
export async function localiseAttachments(ctx: ImportContext, issues: readonly GitHubIssue[], written: readonly number[]): Promise<void> {
  const webUrl = ctx.github.client.webUrl;
  const wanted = issues.filter((issue) => written.includes(issue.number) && attachmentUrls(issue.body ?? "", webUrl).length > 0);
  if (wanted.length === 0) return;
  const rows = await db.issue.findMany({ where: { projectId: ctx.project.id, iid: { in: wanted.map((issue) => issue.number) } }, select: { id: true, iid: true, description: true } });
  for (const row of rows) {
    const issue = wanted.find((candidate) => candidate.number === row.iid)!;
    const attachments = await downloadIssueAttachments(ctx, row.id, attachmentUrls(issue.body ?? "", webUrl));
    const description = withAttachments(row.description, attachments);
    if (description !== row.description) await db.issue.update({ where: { id: row.id }, data: { description, updatedAt: new Date(issue.updated_at) } });
  }
}
