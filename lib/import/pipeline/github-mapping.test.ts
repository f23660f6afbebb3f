import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { repositoryPath, wikiPath } from "@/lib/git";
import { showcaseExpectations } from "@/mocks/github";
import { useImportedGithubShowcase } from "@/test/github";

// One import of the showcase (alice importing; bob and carol linked to their GitHub ids) serves every rule below.
const showcase = useImportedGithubShowcase(["bob", "carol"]);
const expected = showcaseExpectations();
const projectId = () => showcase.imported.projectId;
const git = (gitDir: string, ...args: string[]) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8" }).trim();
const login = (json: unknown) => (json as { username: string } | null)?.username;

async function issue(iid: number) {
  return db.issue.findUniqueOrThrow({
    where: { projectId_iid: { projectId: projectId(), iid } },
    include: { labels: { include: { label: true } }, milestone: true, notes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] }, attachments: true, author: true, assignee: true, assignees: { include: { user: true }, orderBy: { position: "asc" } } },
  });
}

async function mergeRequest(iid: number) {
  return db.mergeRequest.findUniqueOrThrow({
    where: { projectId_iid: { projectId: projectId(), iid } },
    include: {
      approvals: true,
      reviewers: true,
      mergedBy: true,
      notes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      labels: { include: { label: true } },
      milestone: true,
      assignee: true,
      assignees: { include: { user: true }, orderBy: { position: "asc" } },
      attachments: true,
    },
  });
}

describe("GitHub import of the showcase", () => {
  it("keeps the repository: visibility, default branch, branches, tags, pull request heads (a deleted fork's too), wiki and LFS objects", async () => {
    const project = await db.project.findUniqueOrThrow({ where: { id: projectId() } });
    expect(project).toMatchObject({ visibility: "private", defaultBranch: "main", importType: "github", importSource: "acme/rocket", hasWiki: true });
    const refs = git(repositoryPath(project.id), "for-each-ref", "--format=%(refname)").split("\n");
    expect(refs).toEqual(expect.arrayContaining(["refs/heads/main", "refs/heads/release/1.x", "refs/tags/v1.0.0", ...expected.pullRequests.map((n) => `refs/merge-requests/${n}/head`)]));
    expect(git(wikiPath(project.id), "ls-tree", "--name-only", "HEAD").split("\n")).toEqual(expect.arrayContaining(expected.wikiPages));
    expect(await db.projectLfsObject.count({ where: { projectId: project.id } })).toBe(expected.lfsObjects);
  });

  it("keeps labels with colours and descriptions, milestones with GitHub's numbers, states and due dates, releases with their asset links", async () => {
    const labels = await db.label.findMany({ where: { projectId: projectId() } });
    expect(labels).toHaveLength(expected.labels);
    expect(labels.find((label) => label.title === "bug")).toMatchObject({ color: expect.stringMatching(/^#[0-9a-f]{6}$/i) });
    const milestones = await db.milestone.findMany({ where: { projectId: projectId() }, orderBy: { iid: "asc" } });
    expect(milestones.map((milestone) => [milestone.iid, milestone.title, milestone.state, milestone.dueDate !== null])).toEqual([
      [1, "v1.0", "closed", true],
      [2, "v1.1", "active", true],
      [3, "Someday", "active", false],
    ]);
    const releases = await db.release.findMany({ where: { projectId: projectId() }, orderBy: { tagName: "asc" } });
    expect(releases.map((release) => [release.tagName, release.upcoming, (release.links as unknown[]).length])).toEqual([
      ["v1.0.0", false, 2],
      ["v1.1.0", true, 0],
    ]);
  });

  it("gives issues GitHub's numbers, state and close reason, labels, milestone, assignee, author by linked id, reactions", async () => {
    const first = await issue(1);
    expect(first).toMatchObject({ state: "opened", title: "Countdown skips 3", upvotes: expect.any(Number) });
    expect(first.upvotes).toBeGreaterThan(0);
    expect(first.labels.map((entry) => entry.label.title).sort()).toEqual(["bug", "priority: high"]);
    expect(first.milestone?.title).toBe("v1.0");
    expect(first.assignee?.username).toBe("bob");
    expect(first.assignees.map((entry) => entry.user.username)).toEqual(["bob", "carol"]);
    expect((await issue(2)).state).toBe("closed");
    const third = await issue(3);
    expect(third.state).toBe("closed");
    expect(third.description).toContain("Closed as not planned");
    expect(third.description).toMatch(/^\*Created by: Anonymous\*/);
    expect(await db.issue.count({ where: { projectId: projectId() } })).toBe(expected.issues.length);
  });

  it("turns pull requests into merge requests: numbers, states, draft, branches and SHAs, deleted fork, merged by, requested reviewers", async () => {
    const merged = await mergeRequest(4);
    expect(merged).toMatchObject({ state: "merged", draft: false, sourceFork: null });
    expect(merged.mergeCommitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.mergedBy?.username).toBe("alice");
    expect(await mergeRequest(5)).toMatchObject({ state: "opened", draft: true, sourceFork: "(deleted fork)" });
    expect((await mergeRequest(6)).state).toBe("closed");
    expect((await mergeRequest(7)).reviewers.map((reviewer) => login(reviewer.sourceUser)).sort()).toEqual(expected.requestedReviewers[7]);
  });

  it("gives merge requests the pull request's current labels (the same Label rows as issues), milestone and every assignee", async () => {
    const [number, want] = Object.entries(expected.pullRequestAssignments)[0]!;
    const telemetry = await mergeRequest(Number(number));
    expect(telemetry.labels.map((entry) => entry.label.title).sort()).toEqual(want.labels);
    expect(telemetry.milestone?.title).toBe(want.milestone);
    expect(telemetry.assignees.map((entry) => entry.user.username)).toEqual(want.assignees);
    expect(telemetry.assignee?.username).toBe(want.assignees[0]);
    // The label added and removed again on the timeline is a system note, not a label.
    expect(telemetry.notes.filter((note) => note.system).map((note) => note.body)).toEqual(expect.arrayContaining(['added ~"bug" label', 'removed ~"bug" label']));
    const labelIds = new Set((await db.label.findMany({ where: { projectId: projectId() } })).map((label) => label.id));
    expect(telemetry.labels.every((entry) => labelIds.has(entry.labelId))).toBe(true);
    expect(await db.label.count({ where: { projectId: projectId() } })).toBe(expected.labels);
    const unassigned = await mergeRequest(5);
    expect([unassigned.labels, unassigned.milestone, unassigned.assignees, unassigned.assignee]).toEqual([[], null, [], null]);
  });

  it("approves by each reviewer's latest review: a later CHANGES_REQUESTED or DISMISSED withdraws an approval", async () => {
    for (const [number, logins] of Object.entries(expected.approvals)) {
      const approvals = (await mergeRequest(Number(number))).approvals.map((approval) => login(approval.sourceUser));
      expect(approvals.sort(), `!${number}`).toEqual(logins);
    }
    expect((await mergeRequest(4)).approvals[0]?.userId).toBe(showcase.imported.linked.carol!.id);
  });

  it("keeps review comments as diff notes: RIGHT → new line, LEFT → old line, ranges, replies in the thread, suggestions", async () => {
    const notes = (await mergeRequest(4)).notes.filter((note) => note.type === "DiffNote");
    expect(notes).toHaveLength(expected.reviewComments);
    const positions = notes.map((note) => note.position as { newLine: number | null; oldLine: number | null; lineRange?: unknown });
    expect(positions.some((position) => position.newLine !== null && position.oldLine === null)).toBe(true);
    expect(positions.some((position) => position.oldLine !== null && position.newLine === null)).toBe(true);
    expect(positions.some((position) => position.lineRange !== undefined)).toBe(true);
    const discussions = new Map<string, number>();
    for (const note of notes) discussions.set(note.discussionId, (discussions.get(note.discussionId) ?? 0) + 1);
    expect([...discussions.values()].sort()).toEqual([1, 1, 2]);
    expect(notes.some((note) => note.body.includes("```suggestion"))).toBe(true);
  });

  it("keeps comments and review bodies as notes, in order with the events as system notes", async () => {
    const first = await issue(1);
    const bodies = first.notes.map((note) => `${note.system ? "system" : "note"}: ${note.body}`);
    expect(bodies).toEqual(
      expect.arrayContaining([
        'system: added ~"bug" label',
        "system: changed milestone to %\"v1.0\"",
        expect.stringMatching(/^system: assigned to \[@bob\]/),
        "system: changed title from **Countdown is wrong** to **Countdown skips 3**",
        expect.stringMatching(/mentioned in !5$/),
      ]),
    );
    const times = first.notes.map((note) => note.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const second = (await issue(2)).notes.filter((note) => note.system).map((note) => note.body);
    expect(second).toEqual(expect.arrayContaining(["closed", "reopened", 'removed ~"enhancement" label', 'removed milestone %"v1.1"']));
    const merged = (await mergeRequest(4)).notes;
    expect(merged.filter((note) => note.system).map((note) => note.body)).toEqual(expect.arrayContaining([expect.stringMatching(/^merged/), expect.stringMatching(/^requested review from/)]));
    expect(merged.filter((note) => !note.system && note.type === null).length).toBeGreaterThan(0);
    const notes = await db.note.count({ where: { projectId: projectId(), system: false, type: null, sourceId: { not: { startsWith: "review-" } } } });
    expect(notes).toBe(expected.issueComments);
  });

  it("links references to this repository and mentions of mapped users, by id even after a rename", async () => {
    const body = (await issue(1)).description;
    expect(body).toContain("Same as #2, see #3 and !4");
    expect(body).toMatch(/\/-\/merge_requests\/5/);
    expect(body).toMatch(/\[@bob\]\([^)]*\/users\/bob\)/);
    expect(body).toContain("`@dan`");
    const comment = (await issue(1)).notes.find((note) => note.body.startsWith("I can reproduce"));
    expect(comment?.authorId).toBe(showcase.imported.linked.bob!.id);
  });

  it("downloads attachments into Ferry and points the text at them", async () => {
    const first = await issue(1);
    expect(first.attachments.map((attachment) => attachment.originalName).sort()).toEqual(expected.attachments.map((path) => `${showcase.sandbox.url}${path}`).sort());
    expect(first.description).not.toContain(`${showcase.sandbox.url}/user-`);
    expect(first.description).toContain("/api/uploads/attachments/");
  });

  describe("downloads the attachments every other kind of text links to", () => {
    const place = expected.contentAttachments;
    const sandboxUrl = (path: string) => `${showcase.sandbox.url}${path}`;

    /** The owner holds the file as GitHub serves it, and the text links to Ferry's copy instead of GitHub's. */
    async function expectLocalised(attachments: ReadonlyArray<{ id: number; originalName: string; size: bigint }>, text: string | undefined, path: string) {
      const attachment = attachments.find((candidate) => candidate.originalName === sandboxUrl(path));
      expect(attachment, path).toBeDefined();
      expect(Number(attachment!.size)).toBe((await (await fetch(sandboxUrl(path))).arrayBuffer()).byteLength);
      expect(text).toBeDefined();
      expect(text).not.toContain(sandboxUrl(path));
      expect(text).toContain(`/api/uploads/attachments/${attachment!.id}/`);
    }

    it("in a pull request's description", async () => {
      const merged = await mergeRequest(4);
      await expectLocalised(merged.attachments, merged.description, place.pullRequestBody);
    });

    it("in a comment on a pull request", async () => {
      const merged = await mergeRequest(4);
      await expectLocalised(merged.attachments, merged.notes.find((note) => note.body.includes("Merging: thanks"))?.body, place.pullRequestComment);
    });

    it("in a review body", async () => {
      const merged = await mergeRequest(4);
      await expectLocalised(merged.attachments, merged.notes.find((note) => note.body.includes("Wait: the old line"))?.body, place.reviewBody);
    });

    it("in a review comment (a diff note)", async () => {
      const merged = await mergeRequest(4);
      await expectLocalised(merged.attachments, merged.notes.find((note) => note.type === "DiffNote" && note.body.includes("Why one?"))?.body, place.reviewComment);
    });

    it("in a release description", async () => {
      const release = await db.release.findUniqueOrThrow({ where: { projectId_tagName: { projectId: projectId(), tagName: "v1.0.0" } }, include: { attachments: true } });
      await expectLocalised(release.attachments, release.description, place.release);
    });
  });

  it("maps branch protection to push and merge levels", async () => {
    const rules = await db.protectedBranch.findMany({ where: { projectId: projectId() }, orderBy: { name: "asc" } });
    expect(rules.map((rule) => [rule.name, rule.pushAccessLevel, rule.mergeAccessLevel, rule.codeOwnerApprovalRequired])).toEqual([
      ["main", 0, 30, true],
      ["release/1.x", 0, 40, false],
    ]);
    expect(rules[0]!.sourceRule).toMatchObject({ requiredApprovingReviewCount: 2, requiredStatusChecks: ["ci/build"] });
    expect(rules[1]!.pushUsers).toEqual([expect.objectContaining({ login: "alice", userId: showcase.imported.alice.id })]);
  });

  it("makes mapped collaborators project members with their GitHub role, and nobody else", async () => {
    const members = await db.projectMembership.findMany({ where: { projectId: projectId() }, include: { user: true }, orderBy: { user: { username: "asc" } } });
    expect(members.map((member) => [member.user.username, member.role])).toEqual([
      [showcase.imported.linked.bob!.username, "developer"],
      [showcase.imported.linked.carol!.username, "maintainer"],
    ]);
    expect(expected.collaborators).toMatchObject({ bob: "write", carol: "maintain" });
    const messages = await db.importMessage.findMany({ where: { importId: showcase.imported.importId, code: "collaborators_not_members" } });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain("daniel (guest)");
    expect(messages[0]!.message).toContain("erin (reporter)");
    expect(messages[0]!.message).not.toContain("bob");
  });

  it("reports every object type's counts and ends without failures", async () => {
    const progress = new Map((await db.importProgress.findMany({ where: { importId: showcase.imported.importId } })).map((row) => [row.objectType, row]));
    expect(progress.get("pull_request")?.imported).toBe(expected.pullRequests.length);
    expect(progress.get("pull_request_review")?.imported).toBe(expected.reviews);
    expect(progress.get("diff_note")?.imported).toBe(expected.reviewComments);
    expect(progress.get("note")?.imported).toBe(expected.issueComments);
    expect(progress.get("release")?.imported).toBe(expected.releases);
    expect(progress.get("protected_branch")?.imported).toBe(2);
    expect(progress.get("collaborator")).toMatchObject({ fetched: Object.keys(expected.collaborators).length, imported: 2, skipped: 2 });
    expect(progress.get("attachment")?.imported).toBe(expected.attachments.length + Object.keys(expected.contentAttachments).length);
    expect(progress.get("issue_event")?.imported).toBeGreaterThan(10);
    expect(await db.importFailure.count({ where: { importId: showcase.imported.importId } })).toBe(0);
  });
});
