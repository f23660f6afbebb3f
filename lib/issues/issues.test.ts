import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { DEFAULT_PER_PAGE } from "@/lib/db/paging";
import { minuteAt, seedProject } from "@/test/projects";
import { issueStateCounts, listIssues, parseIssueState } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("issues", () => {
  it("filters by state and pages 20 at a time, newest first", async () => {
    const { alice, project } = await seedProject();
    for (let iid = 1; iid <= 25; iid++) {
      await db.issue.create({
        data: { projectId: project.id, iid, title: `Issue ${iid}`, state: iid % 5 === 0 ? "closed" : "opened", authorId: alice.id, createdAt: minuteAt(iid) },
      });
    }
    expect(await issueStateCounts(project.id)).toEqual({ opened: 20, closed: 5, all: 25 });

    const first = await listIssues(project.id, { state: "all", page: 1 });
    expect(first.items).toHaveLength(DEFAULT_PER_PAGE);
    expect(first.items[0]!.iid).toBe(25);
    expect(first).toMatchObject({ total: 25, page: 1, pageCount: 2 });
    const second = await listIssues(project.id, { state: "all", page: 2 });
    expect(second.items.map((issue) => issue.iid)).toEqual([5, 4, 3, 2, 1]);

    const closed = await listIssues(project.id, { state: "closed", page: 1 });
    expect(closed.items.map((issue) => issue.iid)).toEqual([25, 20, 15, 10, 5]);
    expect(closed.pageCount).toBe(1);
    expect((await listIssues(project.id, { state: "opened", page: 1 })).total).toBe(20);
  });

  it("includes labels sorted by title, the milestone and the assignee", async () => {
    const { alice, bob, project } = await seedProject();
    const milestone = await db.milestone.create({ data: { projectId: project.id, iid: 1, title: "v1" } });
    const bug = await db.label.create({ data: { projectId: project.id, title: "bug", color: "#ff0000" } });
    const priority = await db.label.create({ data: { projectId: project.id, title: "priority::major", color: "#00ff00" } });
    await db.issue.create({
      data: {
        projectId: project.id,
        iid: 1,
        title: "Broken",
        authorId: alice.id,
        assigneeId: bob.id,
        milestoneId: milestone.id,
        importedFrom: "bitbucket",
        labels: { create: [{ labelId: priority.id }, { labelId: bug.id }] },
      },
    });
    const [issue] = (await listIssues(project.id, { state: "opened", page: 1 })).items;
    expect(issue!.labels.map(({ label }) => label.title)).toEqual(["bug", "priority::major"]);
    expect(issue!.milestone?.title).toBe("v1");
    expect(issue!.assignee?.username).toBe("bob");
    expect(issue!.importedFrom).toBe("bitbucket");
  });
});

describe("URL parameters", () => {
  it("parses the state with a safe default", () => {
    expect(parseIssueState(undefined)).toBe("opened");
    expect(parseIssueState("closed")).toBe("closed");
    expect(parseIssueState(["all", "closed"])).toBe("all");
    expect(parseIssueState("merged")).toBe("opened");
  });
});
