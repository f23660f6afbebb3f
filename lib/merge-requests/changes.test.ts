import { describe, expect, it } from "vitest";
import type { FileDiff } from "@/lib/git";
import type { Discussion, NotePosition } from "@/lib/notes";
import { lineKey, placeDiscussions } from "./changes";

const HEAD = "b".repeat(40);

const file = (path: string, lines: FileDiff["hunks"][number]["lines"], extra: Partial<FileDiff> = {}): FileDiff => ({
  oldPath: path,
  newPath: path,
  status: "modified",
  binary: false,
  additions: 0,
  deletions: 0,
  tooLarge: false,
  hunks: [{ header: "@@ -1 +1 @@", oldStart: 1, newStart: 1, lines }],
  ...extra,
});

function discussion(id: string, position: Partial<NotePosition> & { path: string }): Discussion {
  return { id, notes: [{} as Discussion["notes"][0]], position: { oldLine: null, newLine: null, baseSha: null, headSha: HEAD.slice(0, 12), ...position } };
}

describe("placing diff discussions", () => {
  const files = [
    file("src/a.ts", [
      { kind: "context", text: "x", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "y", oldLine: 2, newLine: null },
      { kind: "added", text: "Y", oldLine: null, newLine: 2 },
    ]),
    file("big.txt", [], { tooLarge: true }),
  ];

  it("puts a discussion on its new line, a removed line's on the old one, a whole-file one on the file", () => {
    const placement = placeDiscussions(
      files,
      [
        discussion("added", { path: "src/a.ts", newLine: 2 }),
        discussion("removed", { path: "src/a.ts", oldLine: 2 }),
        discussion("context", { path: "src/a.ts", oldLine: 1, newLine: 1 }),
        discussion("file", { path: "src/a.ts" }),
        discussion("large", { path: "big.txt", newLine: 40 }),
      ],
      HEAD,
    );
    const ids = (key: string) => placement.onLine.get(key)?.map((entry) => entry.id);
    expect(ids(lineKey(0, { oldLine: null, newLine: 2 }))).toEqual(["added"]);
    expect(ids(lineKey(0, { oldLine: 2, newLine: null }))).toEqual(["removed"]);
    expect(ids(lineKey(0, { oldLine: 1, newLine: 1 }))).toEqual(["context"]);
    expect(placement.onFile.get(0)?.map((entry) => entry.id)).toEqual(["file"]);
    expect(placement.onFile.get(1)?.map((entry) => entry.id)).toEqual(["large"]);
    expect(placement.outdated).toEqual([]);
  });

  it("marks outdated what was written against another head, on a line the diff does not show, or on a file it does not touch", () => {
    const placement = placeDiscussions(
      files,
      [
        discussion("other-head", { path: "src/a.ts", newLine: 2, headSha: "c".repeat(40) }),
        discussion("gone-line", { path: "src/a.ts", newLine: 9 }),
        discussion("gone-file", { path: "src/old.ts", newLine: 1 }),
        { id: "plain", notes: [{} as Discussion["notes"][0]], position: null },
      ],
      HEAD,
    );
    expect(placement.outdated.map((entry) => entry.id)).toEqual(["other-head", "gone-line", "gone-file"]);
    expect(placement.onLine.size + placement.onFile.size).toBe(0);
  });
});
