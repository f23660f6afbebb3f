import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { parseCsv } from "./csv";
import { createContributorResolver, type SourceIdentity } from "./mapping";
import { listPlaceholders, managedPlaceholderGroups, placeholdersCsv, reassignmentSuggestions } from "./placeholders";
import { acceptReassignment, applyReassignmentCsv, cancelReassignment, inboxRequests, keepAsPlaceholder, rejectReassignment, requestReassignment } from "./reassignment";

const source = (nickname: string, n: number): SourceIdentity => ({
  provider: "bitbucket",
  uuid: `{00000000-0000-4000-8000-00000000000${n}}`,
  accountId: `557058:${n}`,
  username: nickname,
  displayName: `${nickname[0]!.toUpperCase()}${nickname.slice(1)} Source`,
});

function sessionUser(user: { id: string; username: string; isAdmin?: boolean }): SessionUser {
  return { id: user.id, username: user.username, name: null, email: null, image: null, isAdmin: user.isAdmin ?? false };
}

async function human(username: string, isAdmin = false) {
  return sessionUser(await db.user.create({ data: { username, name: username, isAdmin } }));
}

/** acme (Owner: owner, Maintainer: maintainer) with a project whose contributions belong to two placeholders. */
async function setup() {
  const owner = await human("owner");
  const maintainer = await human("maintainer");
  const acme = await db.namespace.create({ data: { kind: "group", name: "acme", path: "acme", fullPath: "acme" } });
  const sub = await db.namespace.create({ data: { kind: "group", name: "sub", path: "sub", fullPath: "acme/sub", parentId: acme.id } });
  await db.membership.createMany({
    data: [
      { userId: owner.id, namespaceId: acme.id, role: "owner" },
      { userId: maintainer.id, namespaceId: acme.id, role: "maintainer" },
      { userId: maintainer.id, namespaceId: sub.id, role: "owner" },
    ],
  });
  const project = await db.project.create({ data: { namespaceId: sub.id, name: "app", path: "app", fullPath: "acme/sub/app" } });
  const resolver = createContributorResolver({ importingUserId: owner.id, topLevelNamespaceId: acme.id, mode: "placeholders" });
  const dave = (await resolver.resolve(source("dave", 1))).userId;
  const erin = (await resolver.resolve(source("erin", 2))).userId;

  const issue = await db.issue.create({ data: { projectId: project.id, iid: 1, title: "Bug", authorId: dave, assigneeId: erin, importedFrom: "bitbucket" } });
  const mergeRequest = await db.mergeRequest.create({
    data: { projectId: project.id, iid: 1, title: "Fix", sourceBranch: "fix", targetBranch: "main", authorId: erin, assigneeId: erin, state: "merged", mergedById: dave },
  });
  await db.note.createMany({
    data: [
      { projectId: project.id, issueId: issue.id, discussionId: "d1", body: "by dave", authorId: dave, sourceId: "1" },
      { projectId: project.id, mergeRequestId: mergeRequest.id, discussionId: "d2", body: "by dave on MR", authorId: dave, sourceId: "2" },
      { projectId: project.id, mergeRequestId: mergeRequest.id, discussionId: "d3", body: "by erin", authorId: erin, sourceId: "3" },
    ],
  });
  await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: source("dave", 1).uuid!, userId: dave, sourceUser: {} } });
  await db.mergeRequestReviewer.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: source("dave", 1).uuid!, userId: dave, sourceUser: {} } });
  return { owner, maintainer, acme, sub, project, dave, erin, issue, mergeRequest };
}

async function attributions(projectId: number) {
  const issue = await db.issue.findFirstOrThrow({ where: { projectId } });
  const mergeRequest = await db.mergeRequest.findFirstOrThrow({ where: { projectId }, include: { approvals: true, reviewers: true } });
  const notes = await db.note.findMany({ where: { projectId }, orderBy: { sourceId: "asc" } });
  return {
    issueAuthor: issue.authorId,
    issueAssignee: issue.assigneeId,
    mrAuthor: mergeRequest.authorId,
    mrAssignee: mergeRequest.assigneeId,
    mergedBy: mergeRequest.mergedById,
    approvers: mergeRequest.approvals.map((approval) => approval.userId),
    reviewers: mergeRequest.reviewers.map((reviewer) => reviewer.userId),
    noteAuthors: notes.map((note) => note.authorId),
  };
}

beforeEach(resetDatabase);

describe("reassigning a placeholder", () => {
  it("moves every contribution to the user when they accept, and only then", async () => {
    const { owner, acme, project, dave, erin } = await setup();
    const dan = await human("dan");
    const before = await attributions(project.id);

    const listed = await listPlaceholders(acme.id);
    // dave: an issue, two notes, an approval, a review; erin: a merge request, two assignments, a note.
    expect(listed.entries.map((entry) => [entry.source.username, entry.status, entry.contributions.total])).toEqual([
      ["dave", "pending", 5],
      ["erin", "pending", 4],
    ]);

    await requestReassignment(owner, { placeholderId: dave, targetUsername: "dan" });
    expect(await attributions(project.id)).toEqual(before);
    const inbox = await inboxRequests(dan.id);
    expect(inbox.awaiting).toHaveLength(1);
    expect(inbox.awaiting[0]!.requestedBy?.username).toBe("owner");

    const moved = await acceptReassignment(dan, { reassignmentId: inbox.awaiting[0]!.id });
    expect(moved).toEqual({ issues: 1, mergeRequests: 0, notes: 2, approvals: 1, reviews: 1, assignments: 0 });
    expect(await attributions(project.id)).toEqual({
      ...before,
      issueAuthor: dan.id,
      mergedBy: dan.id,
      approvers: [dan.id],
      reviewers: [dan.id],
      noteAuthors: [dan.id, dan.id, erin],
    });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("reassigned");
    // Final: it cannot be requested again.
    await expect(requestReassignment(owner, { placeholderId: dave, targetUsername: "owner" })).rejects.toMatchObject({ code: "reassignment_final" });
  });

  it("puts the user in the placeholder's place in lists of assignees, once where they are assigned already", async () => {
    const { owner, issue, mergeRequest, dave, erin } = await setup();
    const dan = await human("dan");
    await db.issueAssignee.createMany({ data: [{ issueId: issue.id, userId: erin, position: 0 }, { issueId: issue.id, userId: dave, position: 1 }] });
    await db.mergeRequestAssignee.createMany({ data: [{ mergeRequestId: mergeRequest.id, userId: dan.id, position: 0 }, { mergeRequestId: mergeRequest.id, userId: erin, position: 1 }] });
    await requestReassignment(owner, { placeholderId: erin, targetUsername: "dan" });
    await acceptReassignment(dan, { reassignmentId: (await inboxRequests(dan.id)).awaiting[0]!.id });
    const assignees = async () => ({
      issue: (await db.issueAssignee.findMany({ where: { issueId: issue.id }, orderBy: { position: "asc" } })).map((row) => row.userId),
      mergeRequest: (await db.mergeRequestAssignee.findMany({ where: { mergeRequestId: mergeRequest.id }, orderBy: { position: "asc" } })).map((row) => row.userId),
    });
    expect(await assignees()).toEqual({ issue: [dan.id, dave], mergeRequest: [dan.id] });
  });

  it("leaves attribution unchanged when the user rejects, and the Owners may ask someone else", async () => {
    const { owner, project, erin } = await setup();
    const dan = await human("dan");
    const before = await attributions(project.id);
    await requestReassignment(owner, { placeholderId: erin, targetUsername: "dan" });
    const [request] = (await inboxRequests(dan.id)).awaiting;
    await rejectReassignment(dan, { reassignmentId: request!.id });
    expect(await attributions(project.id)).toEqual(before);
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: erin } })).status).toBe("rejected");
    await expect(acceptReassignment(dan, { reassignmentId: request!.id })).rejects.toMatchObject({ code: "reassignment_not_awaiting" });
    await requestReassignment(owner, { placeholderId: erin, targetUsername: "owner" });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: erin } })).status).toBe("awaiting_approval");
  });

  it("lets only the asked user answer, and only Owners of the top-level group ask", async () => {
    const { owner, maintainer, dave } = await setup();
    const dan = await human("dan");
    const stranger = await human("stranger");
    // A Maintainer of the group, and the Owner of a subgroup, are not Owners of the top-level group.
    await expect(requestReassignment(maintainer, { placeholderId: dave, targetUsername: "maintainer" })).rejects.toMatchObject({ code: "not_found", status: 404 });
    await expect(requestReassignment(stranger, { placeholderId: dave, targetUsername: "stranger" })).rejects.toMatchObject({ code: "not_found" });
    await expect(keepAsPlaceholder(maintainer, { placeholderId: dave })).rejects.toMatchObject({ code: "not_found" });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("pending");

    await requestReassignment(owner, { placeholderId: dave, targetUsername: "dan" });
    const [request] = (await inboxRequests(dan.id)).awaiting;
    await expect(acceptReassignment(stranger, { reassignmentId: request!.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(acceptReassignment(owner, { reassignmentId: request!.id })).rejects.toMatchObject({ code: "not_found" });

    // An instance administrator may manage any top-level group's placeholders.
    const admin = await human("admin", true);
    await cancelReassignment(admin, { placeholderId: dave });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("pending");
  });

  it("refuses placeholders and unknown users as targets", async () => {
    const { owner, dave, erin } = await setup();
    const erinUsername = (await db.user.findUniqueOrThrow({ where: { id: erin } })).username;
    await expect(requestReassignment(owner, { placeholderId: dave, targetUsername: erinUsername })).rejects.toMatchObject({ code: "target_is_placeholder" });
    await expect(requestReassignment(owner, { placeholderId: dave, targetUsername: "nobody" })).rejects.toMatchObject({ code: "target_user_not_found" });
  });

  it("keeps a placeholder on request, which can still be reassigned later", async () => {
    const { owner, dave } = await setup();
    await keepAsPlaceholder(owner, { placeholderId: dave });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("kept_as_placeholder");
    await requestReassignment(owner, { placeholderId: dave, targetUsername: "owner" });
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("awaiting_approval");
  });

  it("shows Owners (not Maintainers) the groups whose placeholders they manage", async () => {
    const { owner, maintainer } = await setup();
    expect(await managedPlaceholderGroups(owner)).toEqual([{ fullPath: "acme", name: "acme", open: 2, awaiting: 0, total: 2 }]);
    expect(await managedPlaceholderGroups(maintainer)).toEqual([]);
  });

  it("suggests the user who linked the placeholder's Bitbucket account later", async () => {
    const { acme, dave } = await setup();
    expect(await reassignmentSuggestions(acme.id)).toEqual([]);
    const daveFerry = await human("dave-ferry");
    await db.account.create({ data: { userId: daveFerry.id, type: "oauth", provider: "bitbucket", providerAccountId: source("dave", 1).uuid!, nickname: "dave" } });
    const suggestions = await reassignmentSuggestions(acme.id);
    expect(suggestions).toEqual([expect.objectContaining({ placeholderId: dave, user: expect.objectContaining({ username: "dave-ferry", sourceLogin: "dave" }) })]);
  });

  it("suggests the user who linked a GitHub placeholder's account by its user id, not by a Bitbucket account with the same id", async () => {
    const { acme, owner } = await setup();
    const resolver = createContributorResolver({ importingUserId: owner.id, topLevelNamespaceId: acme.id, mode: "placeholders" });
    const octo = await resolver.resolve({ provider: "github", uuid: "1004", username: "daniel", displayName: null });
    const stranger = await human("stranger");
    await db.account.create({ data: { userId: stranger.id, type: "oauth", provider: "bitbucket", providerAccountId: "1004", nickname: "not-daniel" } });
    expect(await reassignmentSuggestions(acme.id)).toEqual([]);
    const daniel = await human("daniel-ferry");
    await db.account.create({ data: { userId: daniel.id, type: "oauth", provider: "github", providerAccountId: "1004", nickname: "dan" } });
    expect(await reassignmentSuggestions(acme.id)).toEqual([
      expect.objectContaining({ placeholderId: octo.userId, source: expect.objectContaining({ provider: "github", username: "daniel" }), user: expect.objectContaining({ username: "daniel-ferry", sourceLogin: "dan" }) }),
    ]);
    const [entry] = (await listPlaceholders(acme.id, 1)).entries.filter((candidate) => candidate.id === octo.userId);
    expect(entry?.source).toMatchObject({ provider: "github", username: "daniel" });
  });
});

describe("bulk reassignment by CSV", () => {
  it("round-trips: download, fill in, upload; valid rows become requests and every bad row is reported", async () => {
    const { owner, acme, project, dave, erin } = await setup();
    const dan = await human("dan");
    const fay = await human("fay");
    const csv = await placeholdersCsv(acme.id);
    const rows = parseCsv(csv);
    expect(rows[0]!.fields).toEqual(["placeholder_username", "source_uuid", "source_account_id", "source_username", "source_display_name", "contributions", "status", "ferry_username"]);
    expect(rows.slice(1).map((row) => [row.fields[3], row.fields[6], row.fields[7]])).toEqual([
      ["dave", "pending", ""],
      ["erin", "pending", ""],
    ]);
    const daveRow = rows[1]!.fields;
    const erinRow = rows[2]!.fields;
    const erinUsername = (await db.user.findUniqueOrThrow({ where: { id: erin } })).username;
    const line = (fields: string[]) => fields.map((field) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(",");
    const filled = [
      line(rows[0]!.fields),
      line([...daveRow.slice(0, 7), "dan"]), // line 2: valid
      line([...erinRow.slice(0, 7), "@Fay"]), // line 3: valid (case and @ do not matter)
      line(["no-such-placeholder", "", "", "", "", "", "", "dan"]), // line 4: unknown placeholder
      line([...daveRow.slice(0, 7), "fay"]), // line 5: same placeholder twice
      line(["", "{00000000-0000-4000-8000-000000000009}", "", "", "", "", "", "dan"]), // line 6: unknown uuid
    ].join("\r\n");
    const result = await applyReassignmentCsv(owner, { namespaceId: acme.id, csv: filled });
    expect(result.requested).toEqual([
      { line: 2, placeholder: daveRow[0], target: "dan" },
      { line: 3, placeholder: erinUsername, target: "fay" },
    ]);
    expect(result.errors.map((error) => error.line)).toEqual([4, 5, 6]);
    expect(result.errors[1]!.message).toMatch(/already on line 2/);

    // A second file: asking again for the same thing changes nothing; conflicts and bad targets are reported.
    const gus = await createContributorResolver({ importingUserId: owner.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve(source("gus", 3));
    const gusUsername = (await db.user.findUniqueOrThrow({ where: { id: gus.userId } })).username;
    const again = await applyReassignmentCsv(owner, {
      namespaceId: acme.id,
      csv: [
        "ferry_username,placeholder_username",
        `dan,${daveRow[0]}`,
        `owner,${erinUsername}`,
        `nobody,${gusUsername}`,
        `${erinUsername},${gusUsername}`,
      ].join("\n"),
    });
    expect(again.requested).toEqual([]);
    expect(again.unchanged).toBe(1);
    expect(again.errors).toEqual([
      { line: 3, message: expect.stringMatching(/already awaiting approval by @fay/) },
      { line: 4, message: "There is no Ferry user @nobody." },
      { line: 5, message: expect.stringMatching(/already on line 4/) },
    ]);

    // dan accepts, fay rejects.
    const before = await attributions(project.id);
    await acceptReassignment(dan, { reassignmentId: (await inboxRequests(dan.id)).awaiting[0]!.id });
    await rejectReassignment(fay, { reassignmentId: (await inboxRequests(fay.id)).awaiting[0]!.id });
    const after = await attributions(project.id);
    expect(after.issueAuthor).toBe(dan.id);
    expect(after.mrAuthor).toBe(before.mrAuthor); // erin's, rejected by fay
    expect(after.mrAuthor).toBe(erin);
    expect(after.noteAuthors).toEqual([dan.id, dan.id, erin]);
    expect((await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: dave } })).status).toBe("reassigned");

    // The next download shows where things stand.
    const statuses = parseCsv(await placeholdersCsv(acme.id)).slice(1).map((row) => [row.fields[3], row.fields[6], row.fields[7]]);
    expect(statuses).toEqual([
      ["dave", "reassigned", "dan"],
      ["erin", "rejected", ""],
      ["gus", "pending", ""],
    ]);
  });

  it("refuses a file that is not the placeholder sheet, and a caller who is not an Owner", async () => {
    const { owner, maintainer, acme } = await setup();
    await expect(applyReassignmentCsv(owner, { namespaceId: acme.id, csv: "name,email\nx,y\n" })).rejects.toMatchObject({ code: "csv_columns" });
    await expect(applyReassignmentCsv(owner, { namespaceId: acme.id, csv: 'placeholder_username,ferry_username\n"unclosed,dan\n' })).rejects.toMatchObject({ code: "csv_invalid" });
    await expect(applyReassignmentCsv(owner, { namespaceId: acme.id, csv: "" })).rejects.toMatchObject({ code: "csv_empty" });
    await expect(applyReassignmentCsv(maintainer, { namespaceId: acme.id, csv: await placeholdersCsv(acme.id) })).rejects.toMatchObject({ code: "not_found" });
  });

  it("neutralises spreadsheet formulas in source names", async () => {
    const { acme } = await setup();
    const owner = await db.user.findFirstOrThrow({ where: { username: "owner" } });
    await createContributorResolver({ importingUserId: owner.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve({
      provider: "bitbucket",
      uuid: "{00000000-0000-4000-8000-000000000007}",
      username: "mallory",
      displayName: '=HYPERLINK("http://evil.example","x")',
    });
    const csv = await placeholdersCsv(acme.id);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });
});
