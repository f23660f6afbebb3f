/**
 * Object-by-object comparison of two projects imported from the same source (bench:sync: the
 * synced project against a fresh import of the changed source). Ids that differ by nature (row
 * ids, thread ids, the project's own path in links) are left out; everything a reader sees is in.
 */
import { db } from "../lib/db/index.ts";
import { listBranches, listTags, repositoryPath, runGit } from "../lib/git/index.ts";

type Snapshot = Map<string, string>;

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** The project's content as "kind key" → JSON of what it holds. */
export async function snapshotProject(projectId: number): Promise<Snapshot> {
  const project = await db.project.findUniqueOrThrow({ where: { id: projectId } });
  const text = (value: string) => value.replaceAll(`/${project.fullPath}`, "/{project}");
  const out: Snapshot = new Map();
  const put = (key: string, value: unknown) => out.set(key, JSON.stringify(value));
  const repoPath = repositoryPath(projectId);
  for (const branch of await listBranches(repoPath)) put(`branch ${branch.name}`, branch.sha);
  for (const tag of await listTags(repoPath)) put(`tag ${tag.name}`, tag.target);
  const heads = await runGit(["for-each-ref", "--format=%(objectname) %(refname)", "refs/merge-requests/"], { env: { GIT_DIR: repoPath }, cwd: repoPath });
  for (const line of heads.stdout.split("\n").filter(Boolean)) {
    const [sha, ref] = line.split(" ");
    put(`ref ${ref}`, sha);
  }
  for (const object of await db.projectLfsObject.findMany({ where: { projectId } })) put(`lfs ${object.oid}`, String(object.size));
  for (const member of await db.projectMembership.findMany({ where: { projectId } })) put(`member ${member.userId}`, member.role);
  for (const rule of await db.protectedBranch.findMany({ where: { projectId } })) {
    put(`protected_branch ${rule.name}`, [rule.pushAccessLevel, rule.mergeAccessLevel, rule.allowForcePush, rule.codeOwnerApprovalRequired, rule.pushUsers, rule.sourceRule]);
  }
  for (const release of await db.release.findMany({ where: { projectId } })) put(`release ${release.tagName}`, { name: release.name, description: text(release.description), links: release.links });

  const notes = await db.note.findMany({ where: { projectId, deletedAtSource: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const threadRoot = new Map<string, string | null>();
  for (const note of notes) if (!threadRoot.has(note.discussionId)) threadRoot.set(note.discussionId, note.sourceId);
  const noteView = (note: (typeof notes)[number]) => ({
    body: text(note.body),
    type: note.type,
    position: note.position,
    author: note.authorId,
    thread: threadRoot.get(note.discussionId),
    created: iso(note.createdAt),
    updated: iso(note.updatedAt),
  });

  const byPosition = { orderBy: { position: "asc" as const } };
  const mergeRequests = await db.mergeRequest.findMany({ where: { projectId }, include: { approvals: true, reviewers: true, labels: { include: { label: true } }, milestone: true, assignees: byPosition } });
  const mrIid = new Map(mergeRequests.map((mr) => [mr.id, mr.iid]));
  for (const mr of mergeRequests) {
    put(`merge_request !${mr.iid}`, {
      title: mr.title,
      description: text(mr.description),
      state: mr.state,
      draft: mr.draft,
      branches: [mr.sourceBranch, mr.targetBranch],
      shas: [mr.sourceSha, mr.targetSha, mr.mergeCommitSha],
      fork: mr.sourceFork,
      people: [mr.authorId, mr.assigneeId, mr.mergedById, mr.closedById],
      times: [iso(mr.createdAt), iso(mr.updatedAt), iso(mr.mergedAt), iso(mr.closedAt)],
      approvals: mr.approvals.map((approval) => `${approval.sourceUserId} ${iso(approval.approvedAt)}`).sort(),
      reviewers: mr.reviewers.map((reviewer) => reviewer.sourceUserId).sort(),
      labels: mr.labels.map((link) => link.label.title).sort(),
      milestone: mr.milestone?.title ?? null,
      assignees: mr.assignees.map((assignee) => assignee.userId),
    });
  }
  const issues = await db.issue.findMany({ where: { projectId }, include: { labels: { include: { label: true } }, milestone: true, assignees: byPosition } });
  const issueIid = new Map(issues.map((issue) => [issue.id, issue.iid]));
  for (const issue of issues) {
    put(`issue #${issue.iid}`, {
      title: issue.title,
      description: text(issue.description),
      state: issue.state,
      people: [issue.authorId, issue.assigneeId],
      milestone: issue.milestone?.title ?? null,
      labels: issue.labels.map((link) => link.label.title).sort(),
      assignees: issue.assignees.map((assignee) => assignee.userId),
      upvotes: issue.upvotes,
      times: [iso(issue.createdAt), iso(issue.updatedAt), iso(issue.closedAt)],
    });
  }
  for (const note of notes) {
    const parent = note.mergeRequestId ? `!${mrIid.get(note.mergeRequestId)}` : `#${issueIid.get(note.issueId!)}`;
    put(`note ${parent} ${note.sourceId}`, noteView(note));
  }
  return out;
}

/** What differs between two snapshots, one line per object. */
export function compareSnapshots(synced: Snapshot, fresh: Snapshot): string[] {
  const differences: string[] = [];
  for (const [key, value] of fresh) {
    const mine = synced.get(key);
    if (mine === undefined) differences.push(`missing from the synced project: ${key}`);
    else if (mine !== value) differences.push(`${key}: synced ${mine} / fresh ${value}`);
  }
  for (const key of synced.keys()) if (!fresh.has(key)) differences.push(`only in the synced project: ${key}`);
  return differences;
}
