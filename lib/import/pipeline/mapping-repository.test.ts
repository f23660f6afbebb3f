/**
 * The repository-level mapping rules of an import, checked on one real import of the showcase
 * (acme/rocket-launcher) against what the sandbox serves: repository metadata, git data and
 * merge request refs, wiki, labels, milestones, LFS objects.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { showcaseExpectations } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { listBranches, listTags, lfsStore, repositoryPath, wikiPath } from "@/lib/git";
import { listWikiPages } from "@/lib/projects/wiki";
import { useImportedShowcase } from "@/test/import";

const expected = showcaseExpectations();
const showcase = useImportedShowcase();

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8" }).trim();
}

describe("the repository", () => {
  it("keeps the description and visibility (private stays private), and takes the default branch from mainbranch", async () => {
    const source = showcase.sandbox.state.repository("acme", "rocket-launcher")!;
    const project = await db.project.findUniqueOrThrow({ where: { id: showcase.imported.projectId } });
    expect(project.description).toBe(source.description);
    expect(project.description).not.toBe("");
    expect(source.is_private).toBe(true);
    expect(project.visibility).toBe("private");
    expect(project.defaultBranch).toBe(expected.mainbranch);
    expect(git(repositoryPath(showcase.imported.projectId), "symbolic-ref", "HEAD")).toBe(`refs/heads/${expected.mainbranch}`);
  });

  it("has every branch and tag at the source's commits", async () => {
    const branches = Object.fromEntries((await listBranches(repositoryPath(showcase.imported.projectId))).map((branch) => [branch.name, branch.sha]));
    expect(branches).toEqual(expected.branches);
    const tags = Object.fromEntries((await listTags(repositoryPath(showcase.imported.projectId))).map((tag) => [tag.name, { commit: tag.target, annotated: tag.annotated }]));
    expect(tags).toEqual(expected.tags);
  });

  it("keeps each pull request's head as refs/merge-requests/<id>/head, the fork's fetched from the fork", async () => {
    const refs = Object.fromEntries(
      git(repositoryPath(showcase.imported.projectId), "for-each-ref", "--format=%(refname) %(objectname)", "refs/merge-requests/")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(" ") as [string, string]),
    );
    const expectedRefs: Record<string, string> = {};
    for (const pr of expected.pullRequests) {
      const readableFork = pr.sourceRepository === "acme/rocket-launcher-experiments";
      if (pr.sourceCommitInRepository || readableFork) expectedRefs[`refs/merge-requests/${pr.id}/head`] = pr.sourceCommit;
    }
    // #1 (merged, branch deleted but reachable), #4, #5, #9 (branches), #6 (deleted fork, reachable through its merge), #7 (readable fork).
    expect(Object.keys(expectedRefs).sort()).toEqual([1, 4, 5, 6, 7, 9].map((id) => `refs/merge-requests/${id}/head`).sort());
    expect(refs).toEqual(expectedRefs);
    // The fork's commits are really in the repository now.
    expect(git(repositoryPath(showcase.imported.projectId), "cat-file", "-t", expectedRefs["refs/merge-requests/7/head"]!)).toBe("commit");
  });
});

describe("the wiki", () => {
  it("is its own repository with every page of the source wiki", async () => {
    const project = await db.project.findUniqueOrThrow({ where: { id: showcase.imported.projectId } });
    expect(project.hasWiki).toBe(true);
    const pages = (await listWikiPages(showcase.imported.projectId))!.map((page) => page.path).sort();
    expect(pages).toEqual([...expected.wikiPages].sort());
    expect(git(wikiPath(showcase.imported.projectId), "log", "--format=%an", "HEAD").split("\n")).toHaveLength(3);
  });
});

describe("labels", () => {
  it("creates the four kind labels, and scoped labels for priority, component, version and states open/closed cannot say", async () => {
    const labels = (await db.label.findMany({ where: { projectId: showcase.imported.projectId } })).map((label) => label.title).sort();
    const detail = showcase.sandbox.state.detail(showcase.sandbox.state.repository("acme", "rocket-launcher")!);
    const issues = expected.issues;
    const scoped = new Set<string>();
    for (const source of issues) {
      const record = detail.issues.get(source.id)!;
      scoped.add(`priority::${record.priority}`);
      if (record.component !== null) scoped.add(`component::${detail.components.find((entry) => entry.id === record.component)!.name}`);
      if (record.version !== null) scoped.add(`version::${detail.versions.find((entry) => entry.id === record.version)!.name}`);
      if (!["new", "open"].includes(record.state)) scoped.add(`status::${record.state}`);
    }
    expect(labels).toEqual(["bug", "enhancement", "proposal", "task", ...scoped].sort());
    expect(labels).toEqual(expect.arrayContaining(["priority::blocker", "component::telemetry", "version::1.1.0", "status::on hold", "status::wontfix"]));
  });

  it("puts the kind and the scoped labels (status:: for a state open/closed cannot say) on each issue", async () => {
    const detail = showcase.sandbox.state.detail(showcase.sandbox.state.repository("acme", "rocket-launcher")!);
    const issues = await db.issue.findMany({ where: { projectId: showcase.imported.projectId }, include: { labels: { include: { label: true } } } });
    expect(issues).toHaveLength(expected.issues.length);
    for (const issue of issues) {
      const record = detail.issues.get(issue.iid)!;
      const wanted = [record.kind, `priority::${record.priority}`];
      if (record.component !== null) wanted.push(`component::${detail.components.find((entry) => entry.id === record.component)!.name}`);
      if (record.version !== null) wanted.push(`version::${detail.versions.find((entry) => entry.id === record.version)!.name}`);
      if (!["new", "open"].includes(record.state)) wanted.push(`status::${record.state}`);
      expect(issue.labels.map((entry) => entry.label.title).sort(), `#${issue.iid}`).toEqual(wanted.sort());
    }
  });
});

describe("milestones", () => {
  it("creates every Bitbucket milestone, numbered in the project, and links issues to theirs", async () => {
    const milestones = await db.milestone.findMany({ where: { projectId: showcase.imported.projectId }, orderBy: { iid: "asc" } });
    expect(milestones.map((milestone) => milestone.title).sort()).toEqual([...expected.milestones].sort());
    expect(milestones.map((milestone) => milestone.iid)).toEqual(milestones.map((_, index) => index + 1));
    const issues = await db.issue.findMany({ where: { projectId: showcase.imported.projectId }, include: { milestone: true } });
    for (const source of expected.issues) {
      expect(issues.find((issue) => issue.iid === source.id)!.milestone?.title ?? null, `#${source.id}`).toBe(source.milestone);
    }
  });
});

describe("LFS objects", () => {
  it("stores every object the imported refs point to, with its content", async () => {
    const rows = await db.projectLfsObject.findMany({ where: { projectId: showcase.imported.projectId } });
    expect(rows.map((row) => [row.oid, Number(row.size)]).sort()).toEqual(expected.lfsObjects.map((object) => [object.oid, object.size]).sort());
    const store = lfsStore();
    for (const object of expected.lfsObjects) expect(await store.has(object.oid, object.size), object.path).toBe(true);
    const progress = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId: showcase.imported.importId, objectType: "lfs_object" } } });
    expect(progress).toMatchObject({ total: expected.lfsObjects.length, imported: expected.lfsObjects.length, failed: 0 });
  });
});
