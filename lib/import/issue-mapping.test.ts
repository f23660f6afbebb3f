import { describe, expect, it } from "vitest";
import { isClosedIssueState, issueChangeNoteBody, issueLabelsFor } from "./issue-mapping";

const fields = { kind: "bug", priority: "major", component: "ui", version: "1.0" };

describe("issue mapping", () => {
  it("closes resolved, invalid, duplicate, wontfix and closed issues, whatever the case", () => {
    expect(["resolved", "invalid", "duplicate", "wontfix", "closed", "Closed"].every(isClosedIssueState)).toBe(true);
    expect(["submitted", "new", "open", "on hold"].some(isClosedIssueState)).toBe(false);
  });

  it("labels kind, priority, component, version, and a state open or closed does not express", () => {
    expect(issueLabelsFor({ ...fields, state: "on hold" }).map((label) => label.title)).toEqual(["bug", "priority::major", "component::ui", "version::1.0", "status::on hold"]);
    for (const state of ["wontfix", "duplicate", "invalid", "resolved", "submitted"]) {
      expect(issueLabelsFor({ ...fields, state }).at(-1)?.title).toBe(`status::${state}`);
    }
    expect(issueLabelsFor({ kind: "chore", priority: null, component: null, version: null, state: "open" })).toEqual([{ title: "chore", color: "#7F8C8D" }]);
    expect(issueLabelsFor({ kind: null, priority: null, component: null, version: null, state: "new" })).toEqual([]);
  });

  it("writes one readable system note per changed field", () => {
    expect(issueChangeNoteBody("state", "new", "on hold")).toBe("changed status from new to on hold");
    expect(issueChangeNoteBody("assignee", "alice", "bob")).toBe("changed assignee from alice to bob");
    expect(issueChangeNoteBody("responsible", "", "bob")).toBe("changed assignee to bob");
    expect(issueChangeNoteBody("kind", "bug", "task")).toBe("changed kind from bug to task");
    expect(issueChangeNoteBody("priority", "minor", "critical")).toBe("changed priority from minor to critical");
    expect(issueChangeNoteBody("milestone", "1.0", null)).toBe("cleared milestone (was 1\\.0)");
    expect(issueChangeNoteBody("content", "a", "b")).toBe("changed the description");
    expect(issueChangeNoteBody("title", "Old", "New *title*")).toBe("changed title from **Old** to **New \\*title\\***");
    expect(issueChangeNoteBody("custom_field", "None", "x <b>")).toBe("changed custom field to x \\<b\\>");
  });
});
