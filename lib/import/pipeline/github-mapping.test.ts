import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { repositoryPath } from "@/lib/git";
import { useImportedGithubShowcase } from "@/test/github";

const showcase = useImportedGithubShowcase(["bob", "carol"]);

describe("GitHub showcase", () => {
  it("dumps", async () => {
    const id = showcase.imported.projectId;
    const progress = await db.importProgress.findMany({ where: { importId: showcase.imported.importId } });
    console.log(JSON.stringify(progress.map((p) => [p.objectType, p.total, p.fetched, p.imported, p.failed, p.skipped])));
    console.log(JSON.stringify(await db.importFailure.findMany({ where: { importId: showcase.imported.importId } })));
    console.log(JSON.stringify(await db.importMessage.findMany({ where: { importId: showcase.imported.importId } })));
    const issues = await db.issue.findMany({ where: { projectId: id }, include: { labels: { include: { label: true } }, milestone: true, notes: { orderBy: { createdAt: "asc" } } }, orderBy: { iid: "asc" } });
    for (const issue of issues) console.log(issue.iid, issue.state, issue.title, JSON.stringify(issue.description), issue.labels.map((l) => l.label.title), issue.milestone?.title, issue.upvotes, issue.notes.map((n) => `${n.system ? "S" : "N"}:${n.body}`));
    const mrs = await db.mergeRequest.findMany({ where: { projectId: id }, include: { approvals: true, reviewers: true, notes: { orderBy: { createdAt: "asc" } } }, orderBy: { iid: "asc" } });
    for (const mr of mrs) console.log(mr.iid, mr.state, mr.draft, mr.sourceBranch, mr.sourceFork, mr.mergedById, mr.approvals.map((a) => (a.sourceUser as { username: string }).username), mr.reviewers.map((a) => (a.sourceUser as { username: string }).username), mr.notes.map((n) => `${n.system ? "S" : n.type ?? "N"}:${n.discussionId.slice(0, 6)}:${JSON.stringify(n.position)}:${n.body.slice(0, 80)}`));
    console.log(JSON.stringify(await db.protectedBranch.findMany({ where: { projectId: id } })));
    console.log(JSON.stringify(await db.release.findMany({ where: { projectId: id } })));
    console.log(JSON.stringify(await db.milestone.findMany({ where: { projectId: id } })));
    const project = await db.project.findUniqueOrThrow({ where: { id } });
    expect(project).toMatchObject({ visibility: "private", defaultBranch: "main", importType: "github", importSource: "acme/rocket", hasWiki: true });
    const head = execFileSync("git", ["--git-dir", repositoryPath(project.id), "rev-parse", "--verify", "refs/merge-requests/5/head"], { encoding: "utf8" });
    expect(head.trim()).toMatch(/^[0-9a-f]{40}$/);
  });
});
