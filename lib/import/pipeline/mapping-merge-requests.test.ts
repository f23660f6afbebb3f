/**
 * Pull requests → merge requests, one test per mapping rule, on one real import of the showcase
 * (acme/rocket-launcher) by alice, with bob a linked Ferry user and carol not a Ferry user.
 * Expectations come from the sandbox's records, not from constants.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_ACCOUNTS, WEB_PLACEHOLDER, showcaseExpectations, type PullRequestCommentRecord } from "@/mocks/bitbucket";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { useImportedShowcase } from "@/test/import";

const expected = showcaseExpectations();
const showcase = useImportedShowcase(["bob"]);

const base = () => config().NEXTAUTH_URL;
const sourceText = (raw: string) => raw.replaceAll(WEB_PLACEHOLDER, showcase.sandbox.url);

function mergeRequest(iid: number) {
  return db.mergeRequest.findFirstOrThrow({
    where: { projectId: showcase.imported.projectId, iid },
    include: { approvals: true, reviewers: true, notes: { orderBy: { createdAt: "asc" } } },
  });
}

/** The source comment of a pull request whose text starts with `start`. */
function sourceComment(pullRequest: number, start: string): PullRequestCommentRecord {
  const comment = showcase.detail().pullRequests.comments(pullRequest).find((candidate) => candidate.raw.startsWith(start));
  if (!comment) throw new Error(`no comment "${start}" on pull request ${pullRequest}`);
  return comment;
}

async function noteFor(pullRequest: number, start: string) {
  const mr = await mergeRequest(pullRequest);
  const note = mr.notes.find((candidate) => candidate.sourceId === String(sourceComment(pullRequest, start).id));
  if (!note) throw new Error(`comment "${start}" of pull request ${pullRequest} was not imported`);
  return note;
}

describe("pull requests become merge requests", () => {
  it("keeps the id as iid and maps OPEN→opened, MERGED→merged, DECLINED and SUPERSEDED→closed", async () => {
    const rows = await db.mergeRequest.findMany({ where: { projectId: showcase.imported.projectId }, orderBy: { iid: "asc" } });
    expect(rows.map((row) => row.iid)).toEqual(expected.pullRequests.map((pr) => pr.id));
    const states = { OPEN: "opened", MERGED: "merged", DECLINED: "closed", SUPERSEDED: "closed" } as Record<string, string>;
    for (const pr of expected.pullRequests) {
      const row = rows.find((candidate) => candidate.iid === pr.id)!;
      expect(row.state, `!${pr.id}`).toBe(states[pr.state]);
      expect(row.title).toBe(pr.title);
      expect(row.draft).toBe(pr.draft);
      expect([row.sourceBranch, row.targetBranch]).toEqual([pr.sourceBranch, pr.destinationBranch]);
      expect(row.importedFrom, "Imported marker").toBe("bitbucket");
    }
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(["opened", "merged", "closed"]));
  });

  it("takes the source SHA from the source commit when the repository has it, else the merge commit, and the target SHA from the destination", async () => {
    const byRule = { sourceCommit: 0, mergeCommit: 0, rawHash: 0 };
    for (const pr of expected.pullRequests) {
      const row = await mergeRequest(pr.id);
      const record = showcase.detail().pullRequests.get(pr.id)!;
      const fetchedFromFork = pr.sourceRepository === "acme/rocket-launcher-experiments";
      if (pr.sourceCommitInRepository || fetchedFromFork) {
        expect(row.sourceSha, `!${pr.id}`).toBe(pr.sourceCommit);
        byRule.sourceCommit++;
      } else if (pr.mergeCommit) {
        expect(row.sourceSha, `!${pr.id}`).toBe(pr.mergeCommit);
        byRule.mergeCommit++;
      } else {
        // Nothing to point at: the hash Bitbucket gave (12 characters) is kept as it was.
        expect(row.sourceSha, `!${pr.id}`).toBe(pr.sourceCommit.slice(0, 12));
        byRule.rawHash++;
      }
      expect(row.targetSha, `!${pr.id}`).toBe(record.destination.commit);
      expect(row.mergeCommitSha).toBe(pr.mergeCommit);
    }
    // #2 was squash-merged (its commits are gone), #3 declined with its branch deleted.
    expect((await mergeRequest(2)).sourceSha).toBe(expected.pullRequests[1]!.mergeCommit);
    expect(byRule.mergeCommit).toBeGreaterThan(0);
    expect(byRule.rawHash).toBeGreaterThan(0);
  });

  it("imports pull requests from forks: a readable fork's commits are fetched, an unreadable one gives an empty merge request and a warning", async () => {
    const readable = await mergeRequest(7);
    expect(readable.sourceFork).toBe("acme/rocket-launcher-experiments");
    expect(readable.sourceSha).toBe(expected.pullRequests[6]!.sourceCommit);
    const unreadable = await mergeRequest(8);
    expect(unreadable.sourceFork).toBe("coyote-labs/rocket-launcher");
    expect(unreadable.state).toBe("opened");
    expect(unreadable.sourceSha).toBe(expected.pullRequests[7]!.sourceCommit.slice(0, 12));
    const deletedFork = await mergeRequest(6);
    expect(deletedFork.sourceFork).toBe("(deleted fork)");
    const messages = await db.importMessage.findMany({ where: { importId: showcase.imported.importId, severity: "warning" } });
    expect(messages.map((message) => message.code)).toEqual(["fork_unreadable_8"]);
    expect(messages[0]!.message).toMatch(/!8 comes from coyote-labs\/rocket-launcher and was imported without its commits/);
  });

  it("imports approvals (who approved and when), mapped to Ferry users where linked", async () => {
    const alice = showcase.imported.alice.id;
    const bob = showcase.imported.linked.bob!.id;
    for (const pr of expected.pullRequests) {
      const row = await mergeRequest(pr.id);
      const approvers = row.approvals.map((approval) => (approval.sourceUser as { username: string }).username).sort();
      expect(approvers, `!${pr.id}`).toEqual([...pr.approvedBy].sort());
      for (const approval of row.approvals) {
        const username = (approval.sourceUser as { username: string }).username;
        expect(approval.userId, `!${pr.id} ${username}`).toBe(username === "alice" ? alice : username === "bob" ? bob : null);
        expect(approval.approvedAt).toBeInstanceOf(Date);
        expect(approval.importedFrom).toBe("bitbucket");
      }
    }
    // A participant who approved counts too (#6: carol, not a reviewer).
    expect((await mergeRequest(6)).approvals.map((approval) => (approval.sourceUser as { username: string }).username).sort()).toEqual(["alice", "carol"]);
  });

  it("keeps reviewers, mapped to Ferry users where linked", async () => {
    for (const pr of expected.pullRequests) {
      const row = await mergeRequest(pr.id);
      const reviewers = row.reviewers.map((reviewer) => (reviewer.sourceUser as { username: string }).username).sort();
      expect(reviewers, `!${pr.id}`).toEqual([...pr.reviewers].sort());
    }
    const five = await mergeRequest(5);
    const carol = five.reviewers.find((reviewer) => reviewer.sourceUserId === SANDBOX_ACCOUNTS.carol.uuid)!;
    expect(carol.userId).toBeNull();
    expect(carol.sourceUser).toMatchObject({ id: SANDBOX_ACCOUNTS.carol.uuid, accountId: SANDBOX_ACCOUNTS.carol.account_id, username: "carol", displayName: "Carol Chen" });
    expect(five.reviewers.find((reviewer) => reviewer.sourceUserId === SANDBOX_ACCOUNTS.alice.uuid)!.userId).toBe(showcase.imported.alice.id);
  });

  it("records who merged or closed, and makes the author the assignee", async () => {
    const merged = await mergeRequest(1);
    expect(merged.mergedById).toBe(showcase.imported.alice.id);
    expect(merged.mergedAt).toBeInstanceOf(Date);
    expect(merged.closedById).toBeNull();
    expect(merged.sourceClosedBy).toMatchObject({ username: "alice" });
    const declined = await mergeRequest(3);
    expect(declined.closedById).toBe(showcase.imported.alice.id);
    expect(declined.closedAt).toBeInstanceOf(Date);
    expect(declined.mergedById).toBeNull();
    const open = await mergeRequest(5);
    expect([open.mergedById, open.closedById, open.mergedAt, open.closedAt]).toEqual([null, null, null, null]);
    // Bob wrote #5 and is a Ferry user: author and assignee; carol (#1) is not: alice stands in.
    expect([open.authorId, open.assigneeId]).toEqual([showcase.imported.linked.bob!.id, showcase.imported.linked.bob!.id]);
    expect([merged.authorId, merged.assigneeId]).toEqual([showcase.imported.alice.id, showcase.imported.alice.id]);
  });
});

describe("pull request comments", () => {
  it("imports every comment but deleted and unpublished ones, all marked as imported", async () => {
    for (const pr of expected.pullRequests) {
      const row = await mergeRequest(pr.id);
      const published = showcase.detail().pullRequests.comments(pr.id).filter((comment) => !comment.deleted && !comment.pending);
      expect(row.notes.map((note) => note.sourceId).sort(), `!${pr.id}`).toEqual(published.map((comment) => String(comment.id)).sort());
      for (const note of row.notes) expect(note.importedFrom).toBe("bitbucket");
    }
  });

  it("skips deleted comments but keeps the replies around them", async () => {
    const deleted = sourceComment(3, "Ugh, fine.");
    expect(deleted.deleted).toBe(true);
    const row = await mergeRequest(3);
    expect(row.notes.some((note) => note.sourceId === String(deleted.id))).toBe(false);
    const root = await noteFor(3, "We are staying on TypeScript");
    const reply = await noteFor(3, "+1");
    expect(reply.discussionId).toBe(root.discussionId);
  });

  it("keeps general comments with their reply threads", async () => {
    const root = await noteFor(1, "Nice! Does this handle pauses?");
    const reply = await noteFor(1, "Pauses are out of scope");
    const replyToReply = await noteFor(1, `@{${SANDBOX_ACCOUNTS.bob.account_id}} agreed`);
    expect(new Set([root.discussionId, reply.discussionId, replyToReply.discussionId]).size).toBe(1);
    expect([root.type, reply.type, replyToReply.type]).toEqual([null, "DiscussionNote", "DiscussionNote"]);
    const other = await noteFor(1, "Prefer `Math.max` here");
    expect(other.discussionId).not.toBe(root.discussionId);
  });

  it("imports inline comments as diff notes at the file and old/new line, replies in the same discussion", async () => {
    const row = await mergeRequest(1);
    const inline = await noteFor(1, "Prefer `Math.max` here");
    const reply = await noteFor(1, "Done in the next commit.");
    expect(inline.type).toBe("DiffNote");
    expect(inline.position).toEqual({ path: "src/countdown.ts", oldLine: null, newLine: 5, baseSha: row.targetSha, headSha: row.sourceSha });
    expect(reply.type).toBe("DiffNote");
    expect(reply.discussionId).toBe(inline.discussionId);
    expect(reply.position).toEqual(inline.position);
    // A removed line has only an old line, a context line both.
    expect((await noteFor(5, "Why remove the safety check?")).position).toMatchObject({ path: "src/sequencer.ts", oldLine: 8, newLine: null });
    expect((await noteFor(5, "Fixed the typo")).position).toMatchObject({ path: "README.md", oldLine: 3, newLine: 3 });
    const timeout = await noteFor(5, "What happens if the confirmation times out?");
    const timeoutReply = await noteFor(5, "It cancels the abort.");
    expect([timeout.type, timeoutReply.type]).toEqual(["DiffNote", "DiffNote"]);
    expect(timeoutReply.discussionId).toBe(timeout.discussionId);
  });

  it("keeps an inline comment whose position cannot be resolved as a plain note naming the file and lines", async () => {
    const outdated = await noteFor(5, "This file is gone after the rebase.");
    expect(outdated.type).toBeNull();
    expect(outdated.position).toBeNull();
    // carol is not a Ferry user, so the attribution comes first.
    expect(outdated.body).toBe("*Comment on `src/legacy/abort-old.ts`, new line 999*\n\n*Created by: carol*\n\nThis file is gone after the rebase.");
  });
});

describe("people and text", () => {
  it("maps authors by Bitbucket uuid; others become the importing user, with *Created by: <nickname>*", async () => {
    const byBob = await noteFor(1, "Nice! Does this handle pauses?");
    expect(byBob.authorId).toBe(showcase.imported.linked.bob!.id);
    expect(byBob.body).not.toContain("Created by");
    const byAlice = await noteFor(1, "Prefer `Math.max` here");
    expect(byAlice.authorId).toBe(showcase.imported.alice.id);
    expect(byAlice.body).not.toContain("Created by");
    const byCarol = await noteFor(1, "Pauses are out of scope");
    expect(byCarol.authorId).toBe(showcase.imported.alice.id);
    expect(byCarol.body).toBe(`*Created by: carol*\n\nPauses are out of scope, tracked in [#4](${showcase.projectUrl()}/-/issues/4).`);
    expect(byCarol.sourceAuthor).toEqual({ id: SANDBOX_ACCOUNTS.carol.uuid, accountId: SANDBOX_ACCOUNTS.carol.account_id, username: "carol", displayName: "Carol Chen" });
    const byDeletedAccount = await noteFor(5, "Looks good to me.");
    expect(byDeletedAccount.authorId).toBe(showcase.imported.alice.id);
    expect(byDeletedAccount.body.startsWith("*Created by: Anonymous*\n\n")).toBe(true);
    const description = (await mergeRequest(1)).description;
    expect(description.startsWith("*Created by: carol*\n\n")).toBe(true);
  });

  it("rewrites links to the Bitbucket repository's issues, pull requests and files, in descriptions and comments, and leaves other links alone", async () => {
    const description = (await mergeRequest(1)).description;
    expect(description).toContain(`Fixes ${showcase.projectUrl()}/-/issues/1.`);
    const superseding = (await mergeRequest(5)).description;
    expect(superseding).toContain(`Supersedes ${showcase.projectUrl()}/-/merge_requests/4.`);

    const links = await noteFor(5, "Related: ");
    const sequencerCommit = /\/src\/([0-9a-f]{40})\/src\/sequencer\.ts/.exec(sourceComment(5, "Related: ").raw)![1]!;
    expect(links.body).toContain(`Related: ${showcase.projectUrl()}/-/merge_requests/2 and ${showcase.projectUrl()}/-/blob/${sequencerCommit}/src/sequencer.ts#L8.`);
    expect(links.body).toContain(`Not ours, leave these alone: ${showcase.sandbox.url}/globex/open-api-specs/pull-requests/1 and https://example.com/acme/rocket-launcher/issues/3.`);

    // A repository whose name starts with ours is another repository (URL-aware, not a substring replace).
    const fork = await noteFor(7, "The first version");
    const forkLink = /\((\S+rocket-launcher-experiments\S+)\)/.exec(sourceText(sourceComment(7, "The first version").raw))![1]!;
    expect(fork.body).toContain(`(${forkLink})`);
    expect(fork.body).toContain(`Ours: ${showcase.projectUrl()}/-/merge_requests/5.`);
    expect(fork.body).not.toContain(`${showcase.sandbox.url}/acme/rocket-launcher/pull-requests`);
  });

  it("turns @{account_id} mentions into @username for Ferry users and the display name for others", async () => {
    const description = (await mergeRequest(1)).description;
    expect(description).toContain(`cc [@alice](${base()}/users/alice)`);
    const toBob = await noteFor(1, `@{${SANDBOX_ACCOUNTS.bob.account_id}} agreed`);
    expect(toBob.body).toBe(`[@bob](${base()}/users/bob) agreed, let's merge once the tests are in.`);
    const toCarol = await noteFor(5, "It cancels the abort.");
    expect(toCarol.body).toBe("It cancels the abort. Carol Chen, does that work for you?");
    for (const note of await db.note.findMany({ where: { projectId: showcase.imported.projectId } })) expect(note.body).not.toMatch(/@\{/);
  });
});
