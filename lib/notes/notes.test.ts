import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { describePosition, groupDiscussions, listDiscussions, parseNotePosition } from "./index";
import { minuteAt, seedProject } from "@/test/projects";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("groupDiscussions", () => {
  const note = (id: number, discussionId: string, minute: number, position: unknown = null) => ({ id, discussionId, createdAt: minuteAt(minute), position });

  it("groups notes into threads ordered by their first note, replies oldest first", () => {
    const threads = groupDiscussions([note(5, "b", 3), note(1, "a", 1), note(4, "a", 4), note(2, "b", 2), note(3, "c", 2)]);
    expect(threads.map((thread) => [thread.id, thread.notes.map((n) => n.id)])).toEqual([
      ["a", [1, 4]],
      ["b", [2, 5]],
      ["c", [3]],
    ]);
  });

  it("breaks ties of equal times by id", () => {
    const threads = groupDiscussions([note(2, "x", 1), note(1, "x", 1), note(3, "y", 1)]);
    expect(threads.map((thread) => [thread.id, thread.notes.map((n) => n.id)])).toEqual([
      ["x", [1, 2]],
      ["y", [3]],
    ]);
  });

  it("takes the thread position from its first diff note", () => {
    const [thread] = groupDiscussions([note(1, "d", 1, { path: "src/app.ts", oldLine: null, newLine: 5 }), note(2, "d", 2)]);
    expect(thread!.position).toEqual({ path: "src/app.ts", oldLine: null, newLine: 5, baseSha: null, headSha: null });
    expect(groupDiscussions([note(1, "p", 1)])[0]!.position).toBeNull();
  });

  it("returns nothing for no notes", () => {
    expect(groupDiscussions([])).toEqual([]);
  });
});

describe("note positions", () => {
  it("reads {path, oldLine, newLine, baseSha, headSha} and ignores anything unusable", () => {
    expect(parseNotePosition({ path: "a.ts", oldLine: 3, newLine: null })).toEqual({ path: "a.ts", oldLine: 3, newLine: null, baseSha: null, headSha: null });
    expect(parseNotePosition({ path: "a.ts", newLine: "7" })).toEqual({ path: "a.ts", oldLine: null, newLine: 7, baseSha: null, headSha: null });
    expect(parseNotePosition({ newPath: "b.ts", newLine: 2, baseSha: "a1", headSha: "" })).toEqual({ path: "b.ts", oldLine: null, newLine: 2, baseSha: "a1", headSha: null });
    expect(parseNotePosition({ oldLine: 1 })).toBeNull();
    expect(parseNotePosition(null)).toBeNull();
    expect(parseNotePosition("src/app.ts")).toBeNull();
    expect(parseNotePosition([1, 2])).toBeNull();
  });

  it("describes a position as file and line", () => {
    expect(describePosition({ path: "src/app.ts", oldLine: 4, newLine: 5 })).toBe("src/app.ts · line 5");
    expect(describePosition({ path: "src/app.ts", oldLine: 4, newLine: null })).toBe("src/app.ts · line 4 (removed)");
    expect(describePosition({ path: "README.md", oldLine: null, newLine: null })).toBe("README.md");
  });
});

describe("listDiscussions", () => {
  it("loads a merge request's notes as threads: diff threads with replies, plain notes, system notes", async () => {
    const { alice, bob, carol, project } = await seedProject();
    const mergeRequest = await db.mergeRequest.create({
      data: { projectId: project.id, iid: 1, title: "Add launch", sourceBranch: "feature", targetBranch: "main", authorId: alice.id },
    });
    const base = { projectId: project.id, mergeRequestId: mergeRequest.id, importedFrom: "bitbucket" };
    await db.note.createMany({
      data: [
        { ...base, discussionId: "general", body: "Looks good", authorId: bob.id, createdAt: minuteAt(1), sourceId: "1" },
        {
          ...base,
          discussionId: "diff-1",
          type: "DiffNote",
          body: "Rename this",
          authorId: carol.id,
          createdAt: minuteAt(2),
          sourceId: "2",
          position: { path: "src/app.ts", oldLine: null, newLine: 5, baseSha: "a", headSha: "b" },
        },
        { ...base, discussionId: "system-1", body: "approved this merge request", system: true, authorId: bob.id, createdAt: minuteAt(3), sourceId: "3" },
        { ...base, discussionId: "diff-1", type: "DiffNote", body: "Done", authorId: alice.id, createdAt: minuteAt(4), sourceId: "4" },
      ],
    });

    const discussions = await listDiscussions({ mergeRequestId: mergeRequest.id });
    expect(discussions.map((discussion) => discussion.id)).toEqual(["general", "diff-1", "system-1"]);
    const diff = discussions[1]!;
    expect(diff.notes.map((note) => [note.body, note.author.username])).toEqual([
      ["Rename this", "carol"],
      ["Done", "alice"],
    ]);
    expect(diff.position && describePosition(diff.position)).toBe("src/app.ts · line 5");
    expect(discussions[0]!.position).toBeNull();
    expect(discussions[2]!.notes[0].system).toBe(true);
    expect(discussions[0]!.notes[0].importedFrom).toBe("bitbucket");
  });
});
