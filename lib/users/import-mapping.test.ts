import { describe, expect } from "vitest";
import { SANDBOX_ACCOUNTS, SHOWCASE_REPOSITORY, showcaseExpectations } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { startBitbucketImport } from "@/lib/import/start";
import { createLinkedUser } from "@/test/fixtures";
import { waitForImport } from "@/test/import";
import { importTest } from "@/test/sandbox";
import { createLocalUser } from "./create";
import { listPlaceholders } from "./placeholders";
import { acceptReassignment, inboxRequests, requestReassignment } from "./reassignment";

/**
 * An import in placeholders mode with the showcase repository's three contributors:
 * alice (linked before the import, and importing), bob (linked, then renamed on Bitbucket:
 * still mapped, by uuid) and carol (never linked: a placeholder). Then carol's placeholder
 * is reassigned to the Ferry user who accepts, and everything of hers shows them as author.
 */

const expected = showcaseExpectations();
const { alice, bob, carol } = SANDBOX_ACCOUNTS;

/** Mentions of mapped users link to their Ferry profile under this URL. */
const test = importTest.extend("sandboxEnv", { scope: "file" }, { NEXTAUTH_URL: "http://ferry.test" });

const uuidOf = (json: unknown): string | null => ((json as { id?: string } | null)?.id ?? null);

/** Every imported row's Ferry user, keyed by who it was at the source: [source uuid | "anonymous", ferry user id]. */
async function attributions(projectId: number) {
  const [issues, mergeRequests, notes, approvals, reviewers] = await Promise.all([
    db.issue.findMany({ where: { projectId }, select: { iid: true, authorId: true, sourceAuthor: true, assigneeId: true, sourceAssignee: true, description: true } }),
    db.mergeRequest.findMany({ where: { projectId }, select: { iid: true, authorId: true, sourceAuthor: true, description: true } }),
    db.note.findMany({ where: { projectId }, select: { id: true, authorId: true, sourceAuthor: true, body: true } }),
    db.approval.findMany({ where: { mergeRequest: { projectId } }, select: { sourceUserId: true, userId: true } }),
    db.mergeRequestReviewer.findMany({ where: { mergeRequest: { projectId } }, select: { sourceUserId: true, userId: true } }),
  ]);
  return {
    issues: issues.map((issue) => ({ source: uuidOf(issue.sourceAuthor) ?? "anonymous", userId: issue.authorId, text: issue.description })),
    assignees: issues.filter((issue) => issue.sourceAssignee).map((issue) => ({ source: uuidOf(issue.sourceAssignee)!, userId: issue.assigneeId })),
    mergeRequests: mergeRequests.map((mergeRequest) => ({ source: uuidOf(mergeRequest.sourceAuthor) ?? "anonymous", userId: mergeRequest.authorId, text: mergeRequest.description })),
    notes: notes.map((note) => ({ source: uuidOf(note.sourceAuthor) ?? "anonymous", userId: note.authorId, text: note.body })),
    approvals: approvals.map((approval) => ({ source: approval.sourceUserId, userId: approval.userId })),
    reviewers: reviewers.map((reviewer) => ({ source: reviewer.sourceUserId, userId: reviewer.userId })),
  };
}

describe("user mapping in an import", () => {
  test("maps linked users by uuid across a rename, gives the unlinked one a placeholder, and moves it all on an accepted reassignment", { timeout: 180_000 }, async ({ sandbox, alice: aliceUser }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false });
    const bobUser = await createLinkedUser(sandbox.state, "bob");
    // bob renames himself on Bitbucket after linking; Ferry still knows him as "bob".
    sandbox.state.renameAccount("bob", { nickname: "robert", display_name: "Robert Brown" });
    expect((await db.account.findFirstOrThrow({ where: { userId: bobUser.id } })).nickname).toBe("bob");

    const started = await startBitbucketImport(aliceUser, { repository: SHOWCASE_REPOSITORY, targetNamespace: "acme", userMapping: "placeholders" });
    const finished = await waitForImport(started.importId);
    expect(await db.importFailure.findMany({ where: { importId: started.importId } })).toEqual([]);
    expect(finished.status).toBe("finished");

    const acme = await db.namespace.findUniqueOrThrow({ where: { fullPath: "acme" } });
    const placeholders = await db.user.findMany({ where: { kind: "placeholder" } });
    expect(placeholders).toHaveLength(1);
    const carolPlaceholder = placeholders[0]!;
    expect(carolPlaceholder).toMatchObject({ placeholderNamespaceId: acme.id, name: "Carol Chen", passwordHash: null });
    expect(carolPlaceholder.placeholderSource).toMatchObject({ uuid: carol.uuid, username: "carol" });

    const owner = new Map<string, string>([
      [alice.uuid, aliceUser.id],
      [bob.uuid, bobUser.id],
      [carol.uuid, carolPlaceholder.id],
      ["anonymous", aliceUser.id],
    ]);
    const before = await attributions(started.projectId);
    expect(before.issues).toHaveLength(expected.issues.length);
    expect(before.mergeRequests).toHaveLength(expected.pullRequests.length);
    for (const kind of ["issues", "mergeRequests", "notes", "approvals", "reviewers", "assignees"] as const) {
      for (const row of before[kind]) expect(row.userId, `${kind} by ${row.source}`).toBe(owner.get(row.source));
    }
    // Each of the three has contributions of every kind the test is about.
    for (const uuid of [alice.uuid, bob.uuid, carol.uuid]) {
      expect(before.issues.some((row) => row.source === uuid)).toBe(true);
      expect(before.notes.some((row) => row.source === uuid)).toBe(true);
    }
    expect(before.approvals.some((row) => row.source === carol.uuid)).toBe(true);
    expect(before.approvals.some((row) => row.source === bob.uuid)).toBe(true);
    // Only the anonymous report needs the attribution line; placeholders and mapped users do not.
    for (const row of [...before.issues, ...before.mergeRequests, ...before.notes]) {
      if (row.source === "anonymous") expect(row.text.startsWith("*Created by: Anonymous*"), "anonymous attribution").toBe(true);
      else expect(row.text.startsWith("*Created by:"), `no attribution for ${row.source}`).toBe(false);
    }
    // A mention of a mapped user links to their Ferry profile; carol is not mapped and is named.
    const mentions = before.notes.map((note) => note.text).join("\n");
    expect(mentions).toContain("[@bob](http://ferry.test/users/bob)");
    expect(mentions).toContain("Carol Chen");

    // The Owner of acme (alice created it) reassigns carol's placeholder; carol's Ferry account accepts.
    const listed = await listPlaceholders(acme.id);
    expect(listed.entries).toHaveLength(1);
    expect(listed.entries[0]!.contributions.total).toBeGreaterThan(0);
    const carolFerry = await createLocalUser({ username: "carol-chen", email: "carol.chen@example.com", password: "a good password" });
    const carolSession = { id: carolFerry.id, username: carolFerry.username, name: carolFerry.name, email: carolFerry.email, image: null, isAdmin: false };
    await requestReassignment(aliceUser, { placeholderId: carolPlaceholder.id, targetUsername: "carol-chen" });
    const [request] = (await inboxRequests(carolFerry.id)).awaiting;
    const moved = await acceptReassignment(carolSession, { reassignmentId: request!.id });
    expect(moved.issues).toBe(expected.issues.filter((issue) => issue.reporter === "carol").length);
    expect(moved.approvals).toBe(expected.pullRequests.filter((pr) => pr.approvedBy.includes("carol")).length);

    owner.set(carol.uuid, carolFerry.id);
    const after = await attributions(started.projectId);
    for (const kind of ["issues", "mergeRequests", "notes", "approvals", "reviewers", "assignees"] as const) {
      for (const row of after[kind]) expect(row.userId, `${kind} by ${row.source} after reassignment`).toBe(owner.get(row.source));
    }
    expect(after.notes.filter((row) => row.userId === carolFerry.id).length).toBe(before.notes.filter((row) => row.source === carol.uuid).length);
    const stillPlaceholder = await Promise.all([
      db.issue.count({ where: { OR: [{ authorId: carolPlaceholder.id }, { assigneeId: carolPlaceholder.id }] } }),
      db.mergeRequest.count({ where: { OR: [{ authorId: carolPlaceholder.id }, { assigneeId: carolPlaceholder.id }, { mergedById: carolPlaceholder.id }, { closedById: carolPlaceholder.id }] } }),
      db.note.count({ where: { authorId: carolPlaceholder.id } }),
      db.approval.count({ where: { userId: carolPlaceholder.id } }),
      db.mergeRequestReviewer.count({ where: { userId: carolPlaceholder.id } }),
    ]);
    expect(stillPlaceholder).toEqual([0, 0, 0, 0, 0]);
  });

  test("in the default attribution mode, attributes unmapped users in the text and creates no placeholder", { timeout: 180_000 }, async ({ sandbox, alice: aliceUser }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false });
    const started = await startBitbucketImport(aliceUser, { repository: SHOWCASE_REPOSITORY });
    expect((await waitForImport(started.importId)).status).toBe("finished");
    expect(await db.user.count({ where: { kind: "placeholder" } })).toBe(0);
    const { issues, approvals } = await attributions(started.projectId);
    for (const issue of issues) {
      expect(issue.userId).toBe(aliceUser.id);
      if (issue.source === carol.uuid) expect(issue.text.startsWith("*Created by: carol*")).toBe(true);
    }
    for (const approval of approvals) expect(approval.userId).toBe(approval.source === alice.uuid ? aliceUser.id : null);
  });
});
