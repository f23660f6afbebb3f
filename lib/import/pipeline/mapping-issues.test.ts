/**
 * Issues and their comments, one test per mapping rule, on one real import of the showcase
 * (acme/rocket-launcher, issue tracker served) by alice, with bob a linked Ferry user and carol
 * not a Ferry user. Expectations come from the sandbox's records.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_ACCOUNTS, WEB_PLACEHOLDER, showcaseExpectations } from "@/mocks/bitbucket";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { useImportedShowcase } from "@/test/import";

const expected = showcaseExpectations();
const showcase = useImportedShowcase(["bob"]);

const base = () => config().NEXTAUTH_URL;
const ferryUserOf = (nickname: string | null) =>
  nickname === "alice" ? showcase.imported.alice.id : nickname === "bob" ? showcase.imported.linked.bob!.id : null;

function issue(iid: number) {
  return db.issue.findFirstOrThrow({
    where: { projectId: showcase.imported.projectId, iid },
    include: { labels: { include: { label: true } }, milestone: true, notes: { orderBy: { createdAt: "asc" } } },
  });
}

async function noteFor(issueId: number, start: string) {
  const source = showcase.detail().issues.comments(issueId).find((comment) => comment.raw?.startsWith(start));
  if (!source) throw new Error(`no comment "${start}" on issue ${issueId}`);
  const note = (await issue(issueId)).notes.find((candidate) => candidate.sourceId === String(source.id));
  if (!note) throw new Error(`comment "${start}" of issue ${issueId} was not imported`);
  return note;
}

describe("issues", () => {
  it("keep the Bitbucket id as iid (gaps included) and are marked as imported", async () => {
    const rows = await db.issue.findMany({ where: { projectId: showcase.imported.projectId }, orderBy: { iid: "asc" } });
    expect(rows.map((row) => row.iid)).toEqual(expected.issues.map((source) => source.id));
    expect(rows.map((row) => row.iid)).not.toContain(11);
    for (const row of rows) {
      expect(row.title).toBe(expected.issues.find((source) => source.id === row.iid)!.title);
      expect(row.importedFrom).toBe("bitbucket");
      expect(row.sourceId).toBe(String(row.iid));
    }
  });

  it("get their kind as a label (bug, enhancement, proposal, task)", async () => {
    for (const source of expected.issues) {
      const labels = (await issue(source.id)).labels.map((entry) => entry.label.title);
      expect(labels.filter((title) => ["bug", "enhancement", "proposal", "task"].includes(title)), `#${source.id}`).toEqual([source.kind]);
    }
    expect(new Set(expected.issues.map((source) => source.kind))).toEqual(new Set(["bug", "enhancement", "proposal", "task"]));
  });

  it("are closed when resolved, invalid, duplicate, wontfix or closed, and open otherwise", async () => {
    const closing = ["resolved", "invalid", "duplicate", "wontfix", "closed"];
    for (const source of expected.issues) {
      const row = await issue(source.id);
      expect(row.state, `#${source.id} (${source.state})`).toBe(closing.includes(source.state) ? "closed" : "opened");
      expect(row.closedAt === null, `#${source.id} closedAt`).toBe(!closing.includes(source.state));
    }
    // Every Bitbucket state occurs in the showcase.
    expect(new Set(expected.issues.map((source) => source.state))).toEqual(new Set(["submitted", "new", "open", "on hold", ...closing]));
  });

  it("take the Bitbucket assignee (not the reporter) as assignee, when that person is a Ferry user", async () => {
    let mappedAssignees = 0;
    for (const source of expected.issues) {
      const row = await issue(source.id);
      expect(row.assigneeId, `#${source.id} assigned to ${source.assignee}`).toBe(ferryUserOf(source.assignee));
      if (row.assigneeId) mappedAssignees++;
      if (source.assignee) expect(row.sourceAssignee).toMatchObject({ username: source.assignee });
      else expect(row.sourceAssignee).toBeNull();
    }
    expect(mappedAssignees).toBeGreaterThan(0);
    // #2: reported by alice, assigned to bob.
    const two = await issue(2);
    expect([two.authorId, two.assigneeId]).toEqual([showcase.imported.alice.id, showcase.imported.linked.bob!.id]);
  });

  it("keep their milestone", async () => {
    for (const source of expected.issues) expect((await issue(source.id)).milestone?.title ?? null, `#${source.id}`).toBe(source.milestone);
  });

  it("keep their created and updated times", async () => {
    for (const source of expected.issues) {
      const record = showcase.detail().issues.get(source.id)!;
      const row = await issue(source.id);
      expect(row.createdAt.toISOString(), `#${source.id}`).toBe(new Date(record.createdOn).toISOString());
      expect(row.updatedAt.toISOString(), `#${source.id}`).toBe(new Date(record.updatedOn).toISOString());
    }
  });

  it("are authored by the reporter's Ferry user, else by the importing user with *Created by: <nickname>*", async () => {
    const byBob = await issue(1);
    expect(byBob.authorId).toBe(showcase.imported.linked.bob!.id);
    expect(byBob.description).toBe("The countdown goes 3, 2, 1 and never shows 0.");
    const byCarol = await issue(3);
    expect(byCarol.authorId).toBe(showcase.imported.alice.id);
    expect(byCarol.description).toBe("*Created by: carol*\n\nAfter about 24 days the counters become negative.");
    expect(byCarol.sourceAuthor).toEqual({ id: SANDBOX_ACCOUNTS.carol.uuid, accountId: SANDBOX_ACCOUNTS.carol.account_id, username: "carol", displayName: "Carol Chen" });
    const anonymous = await issue(13);
    expect(anonymous.authorId).toBe(showcase.imported.alice.id);
    expect(anonymous.description.startsWith("*Created by: Anonymous*\n\n")).toBe(true);
    expect(anonymous.sourceAuthor).toBeNull();
  });

  it("keep a state that open or closed does not express (on hold, wontfix, duplicate, invalid…) as a status:: label", async () => {
    for (const source of expected.issues) {
      const statusLabels = (await issue(source.id)).labels.map((entry) => entry.label.title).filter((title) => title.startsWith("status::"));
      expect(statusLabels, `#${source.id} (${source.state})`).toEqual(["new", "open"].includes(source.state) ? [] : [`status::${source.state}`]);
    }
  });

  it("written in Creole or plain text are converted like wiki pages, not shown as raw markup", async () => {
    expect((await issue(10)).description).toBe("## Steps\n\n- upgrade the runtime\n- run the **full** test suite\n\n```\nnvm install 20\n```\n");
    expect((await issue(13)).description).toBe("*Created by: Anonymous*\n\nReported anonymously from the public issue form\\.\n");
  });

  it("turn @{account_id} mentions into @username for Ferry users", async () => {
    expect((await issue(2)).description).toBe(`We need a way to stop a launch.\n\n[@bob](${base()}/users/bob) can you take this?`);
  });
});

describe("issue comments", () => {
  it("are imported with their authors, marked as imported; empty change stubs are skipped", async () => {
    for (const source of expected.issues) {
      const comments = showcase.detail().issues.comments(source.id);
      const row = await issue(source.id);
      const withText = comments.filter((comment) => comment.raw !== null && comment.raw.trim() !== "");
      const commentNotes = row.notes.filter((note) => !note.system);
      expect(commentNotes.map((note) => note.sourceId).sort(), `#${source.id}`).toEqual(withText.map((comment) => String(comment.id)).sort());
      for (const note of commentNotes) {
        const comment = comments.find((candidate) => String(candidate.id) === note.sourceId)!;
        const nickname = comment.user ? Object.values(SANDBOX_ACCOUNTS).find((account) => account.uuid === comment.user)!.nickname : null;
        expect(note.authorId, `#${source.id} comment by ${nickname}`).toBe(ferryUserOf(nickname) ?? showcase.imported.alice.id);
        expect(note.body.startsWith("*Created by:"), `#${source.id} attribution`).toBe(ferryUserOf(nickname) === null);
        expect(note.importedFrom).toBe("bitbucket");
        expect(note.createdAt.toISOString()).toBe(new Date(comment.createdOn).toISOString());
      }
    }
    const progress = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId: showcase.imported.importId, objectType: "issue_note" } } });
    expect(progress.skipped).toBe(expected.issues.reduce((sum, source) => sum + showcase.detail().issues.comments(source.id).filter((comment) => !comment.raw?.trim()).length, 0));
    expect(progress.skipped).toBeGreaterThan(0);
  });

  it("rewrite links to the Bitbucket repository's pull requests and files, and leave other repositories' links alone", async () => {
    expect((await noteFor(1, "Fixed in ")).body).toBe(`*Created by: carol*\n\nFixed in ${showcase.projectUrl()}/-/merge_requests/1.`);
    const rootCause = await noteFor(3, "Root cause: ");
    const commit = /\/src\/([0-9a-f]{40})\//.exec(showcase.detail().issues.comments(3).find((comment) => comment.raw?.startsWith("Root cause"))!.raw!)![1]!;
    expect(rootCause.body).toBe(`Root cause: ${showcase.projectUrl()}/-/blob/${commit}/src/sequencer.ts#L5.`);
    const elsewhere = await noteFor(10, "Also see ");
    expect(elsewhere.body).toBe(`Also see ${showcase.sandbox.url}/globex/open-api-specs/issues/1 (another repository).`);
    for (const note of await db.note.findMany({ where: { projectId: showcase.imported.projectId, issueId: { not: null } } })) {
      expect(note.body).not.toContain(`${showcase.sandbox.url}/acme/rocket-launcher/`);
      expect(note.body).not.toContain(WEB_PLACEHOLDER);
    }
  });

  it("link short references to the issue or merge request", async () => {
    expect((await noteFor(8, "Duplicate of")).body).toBe(`*Created by: carol*\n\nDuplicate of [#1](${showcase.projectUrl()}/-/issues/1).`);
  });

  it("bring the issue's recorded changes as system notes, by who made them, at their time", async () => {
    let changes = 0;
    for (const source of expected.issues) {
      const recorded = showcase.detail().issues.comments(source.id).filter((comment) => comment.change);
      const systemNotes = (await issue(source.id)).notes.filter((note) => note.system);
      expect(systemNotes.map((note) => note.body), `#${source.id}`).toEqual(recorded.map((comment) => `changed status from ${comment.change!.from} to ${comment.change!.to}`));
      for (const [index, note] of systemNotes.entries()) {
        const comment = recorded[index]!;
        const nickname = Object.values(SANDBOX_ACCOUNTS).find((account) => account.uuid === comment.user)!.nickname;
        expect(note.authorId).toBe(ferryUserOf(nickname) ?? showcase.imported.alice.id);
        expect(note.sourceAuthor).toMatchObject({ username: nickname });
        expect(note.createdAt.toISOString()).toBe(new Date(comment.createdOn).toISOString());
        expect(note.sourceId).toBe(`change:${comment.id}:state`);
      }
      changes += recorded.length;
    }
    expect(changes).toBeGreaterThan(0);
  });

  it("turn mentions into @username for Ferry users and the display name for others", async () => {
    const note = await noteFor(2, `@{${SANDBOX_ACCOUNTS.bob.account_id}} please add`);
    expect(note.body).toBe(`[@bob](${base()}/users/bob) please add a confirmation dialog. Carol Chen FYI.`);
  });
});
