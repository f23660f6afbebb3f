/**
 * The repository browser's and the merge request Changes tab's read models on one real import of
 * the showcase (acme/rocket-launcher): refs with slashes, trees, highlighted files, LFS content,
 * raw downloads, history, commit diffs, and diff notes placed at their lines. Expectations come
 * from the sandbox's records.
 */
import { describe, expect, it } from "vitest";
import { showcaseExpectations } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { readLines } from "@/lib/git";
import { getMergeRequest, isUnavailable, lineKey, readMergeRequestChanges, readMergeRequestCommits, type MergeRequestChanges } from "@/lib/merge-requests";
import { listDiscussions } from "@/lib/notes";
import { useImportedShowcase } from "@/test/import";
import { listCommitsAt, locate, projectRepository, rawFileResponse, readBlobAt, readCommitWithDiff, readTreeAt } from "./index";

const expected = showcaseExpectations();
const showcase = useImportedShowcase();

const repo = () => projectRepository(showcase.imported.projectId)!;

async function located(...segments: string[]) {
  const location = await locate(repo(), segments);
  if (!location) throw new Error(`no location for ${segments.join("/")}`);
  return location;
}

async function changesOf(iid: number): Promise<MergeRequestChanges> {
  const mergeRequest = (await getMergeRequest(showcase.imported.projectId, iid))!;
  const changes = await readMergeRequestChanges(showcase.imported.projectId, mergeRequest, await listDiscussions({ mergeRequestId: mergeRequest.id }));
  if (isUnavailable(changes)) throw new Error(changes.unavailable);
  return changes;
}

describe("the repository browser's read model", () => {
  it("finds the ref in URL segments, the longest branch name first, else a commit SHA", async () => {
    const branch = Object.keys(expected.branches).find((name) => name.includes("/"))!;
    const location = await located(...branch.split("/"), "src");
    expect(location).toEqual({ ref: branch, commit: expected.branches[branch], path: "src" });
    const sha = expected.branches[expected.mainbranch]!;
    expect(await located(sha.slice(0, 12), "README.md")).toMatchObject({ commit: sha, path: "README.md" });
    expect(await locate(repo(), ["no-such-branch", "README.md"])).toBeNull();
    expect(await locate(repo(), [expected.mainbranch, "..", "x"])).toBeNull();
  });

  it("lists a directory and shows a file highlighted, with its lines numbered", async () => {
    const tree = await readTreeAt(repo(), await located(expected.mainbranch));
    expect(tree!.entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(["src", "README.md", "assets"]));
    const blob = await readBlobAt(showcase.imported.projectId, repo(), await located(expected.mainbranch, "src", "sequencer.ts"));
    expect(blob).toMatchObject({ display: "text", lfs: null, name: "sequencer.ts" });
    expect(blob!.lines.length).toBeGreaterThan(5);
    // Keywords get a colour of their own: the file was tokenized as TypeScript.
    const keyword = blob!.lines.flat().find((token) => token.text === "export");
    expect(keyword?.color).toMatch(/^#/);
    expect(await readBlobAt(showcase.imported.projectId, repo(), await located(expected.mainbranch, "src"))).toBeNull();
  });

  it("serves LFS files with their stored content, and raw files as downloads that never run as pages", async () => {
    const logo = await located(expected.mainbranch, "assets", "logo.png");
    const blob = await readBlobAt(showcase.imported.projectId, repo(), logo);
    expect(blob).toMatchObject({ display: "image", size: 12_345, lfs: { available: true, size: 12_345 } });
    const raw = (await rawFileResponse(new Request("http://ferry.test/x"), showcase.imported.projectId, repo(), logo))!;
    expect(raw.headers.get("content-type")).toBe("image/png");
    expect(raw.headers.get("content-security-policy")).toContain("sandbox");
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.length).toBe(12_345);
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
    const readme = (await rawFileResponse(new Request("http://ferry.test/x"), showcase.imported.projectId, repo(), await located(expected.mainbranch, "README.md")))!;
    expect(readme.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await readme.text()).toContain("rocket-launcher");
  });

  it("pages the history of a ref and shows a commit with its diff", async () => {
    const history = await listCommitsAt(repo(), await located(expected.mainbranch), 1);
    expect(history.commits[0]!.id).toBe(expected.branches[expected.mainbranch]);
    const withParent = history.commits.find((commit) => commit.parentIds.length === 1)!;
    const view = await readCommitWithDiff(repo(), withParent.id.slice(0, 10));
    expect(view!.commit.id).toBe(withParent.id);
    expect(view!.diff.files.length).toBeGreaterThan(0);
    expect(await readCommitWithDiff(repo(), "0".repeat(40))).toBeNull();
    expect(await readCommitWithDiff(repo(), "--all")).toBeNull();
  });
});

describe("a merge request's changes", () => {
  it("diffs the source branch from where it left the target, with its commits", async () => {
    const pullRequest = expected.pullRequests.find((pr) => pr.inlineComments > 0)!;
    const changes = await changesOf(pullRequest.id);
    expect(changes.diff.files.length).toBeGreaterThan(0);
    const mergeRequest = (await getMergeRequest(showcase.imported.projectId, pullRequest.id))!;
    const commits = await readMergeRequestCommits(showcase.imported.projectId, mergeRequest);
    expect(isUnavailable(commits) ? [] : commits.commits.map((commit) => commit.id)).toContain(changes.head);
  });

  it("puts each diff note on the line it was written on, and lists the others as outdated with their original lines", async () => {
    for (const pullRequest of expected.pullRequests.filter((pr) => pr.inlineComments > 0)) {
      const mergeRequest = (await getMergeRequest(showcase.imported.projectId, pullRequest.id))!;
      const diffNotes = await db.note.findMany({ where: { mergeRequestId: mergeRequest.id, type: "DiffNote" }, select: { discussionId: true, position: true } });
      const changes = await changesOf(pullRequest.id);
      const placed = [...changes.placement.onLine.entries()];
      const outdated = new Set(changes.outdated.map((item) => item.discussion.id));
      for (const note of diffNotes) {
        const position = note.position as { path: string; newLine: number | null; oldLine: number | null };
        const entry = placed.find(([, discussions]) => discussions.some((discussion) => discussion.id === note.discussionId));
        if (entry) {
          const fileIndex = Number(entry[0].split(":")[0]);
          const file = changes.diff.files[fileIndex]!;
          expect(file.newPath === position.path || file.oldPath === position.path).toBe(true);
          expect(entry[0]).toBe(lineKey(fileIndex, { newLine: position.newLine, oldLine: position.newLine === null ? position.oldLine : null }));
        } else {
          expect(outdated.has(note.discussionId) || [...changes.placement.onFile.values()].flat().some((discussion) => discussion.id === note.discussionId)).toBe(true);
        }
      }
      for (const item of changes.outdated) {
        if (item.context) expect(item.context.lines.length).toBeGreaterThan(0);
      }
    }
    // The first pull request's comment on line 5 of the new countdown sits on that added line.
    const first = await changesOf(expected.pullRequests.find((pr) => pr.inlineComments > 0)!.id);
    expect([...first.placement.onLine.keys()].some((key) => key.endsWith(":new:5"))).toBe(true);
  });

  it("shows a discussion written against an earlier source commit as outdated, with the lines it was written on", async () => {
    const pullRequest = expected.pullRequests.find((pr) => pr.inlineComments > 0)!;
    const mergeRequest = (await getMergeRequest(showcase.imported.projectId, pullRequest.id))!;
    const changes = await changesOf(pullRequest.id);
    const commits = await readMergeRequestCommits(showcase.imported.projectId, mergeRequest);
    if (isUnavailable(commits)) throw new Error(commits.unavailable);
    // The oldest commit of the branch, and a file that commit touches.
    const earlier = commits.commits.at(-1)!;
    expect(earlier.id).not.toBe(changes.head);
    const touched = (await readCommitWithDiff(repo(), earlier.id))!.diff.files.find((file) => file.status !== "deleted")!;
    const [note] = (await listDiscussions({ mergeRequestId: mergeRequest.id }))[0]!.notes;
    const stale = { id: "stale", notes: [note] as [typeof note], position: { path: touched.newPath, oldLine: null, newLine: 2, baseSha: null, headSha: earlier.id } };
    const result = await readMergeRequestChanges(showcase.imported.projectId, mergeRequest, [stale]);
    if (isUnavailable(result)) throw new Error(result.unavailable);
    expect(result.outdated.map((item) => item.discussion.id)).toEqual(["stale"]);
    const original = (await readLines(repo(), earlier.id, touched.newPath, 1, 5))!.lines;
    expect(result.outdated[0]!.context).toEqual({ commit: earlier.id, side: "new", line: 2, start: 1, lines: original });
  });
});
