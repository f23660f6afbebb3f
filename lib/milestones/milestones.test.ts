import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { seedProject } from "@/test/projects";
import { listMilestones } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("listMilestones", () => {
  it("lists active milestones first, by due date, with open and closed issue counts, and filters them", async () => {
    const { alice, project } = await seedProject();
    const v1 = await db.milestone.create({ data: { projectId: project.id, iid: 1, title: "v1" } });
    await db.milestone.create({ data: { projectId: project.id, iid: 2, title: "v2", state: "closed", dueDate: new Date("2026-01-01") } });
    await db.milestone.create({ data: { projectId: project.id, iid: 3, title: "v0.9", dueDate: new Date("2026-02-01") } });
    for (const [iid, state] of [[1, "opened"], [2, "closed"], [3, "closed"]] as const) {
      await db.issue.create({ data: { projectId: project.id, iid, title: `I${iid}`, state, authorId: alice.id, milestoneId: v1.id } });
    }
    expect((await listMilestones(project.id)).items.map((m) => [m.title, m.state, m.openIssues, m.closedIssues])).toEqual([
      ["v0.9", "active", 0, 0],
      ["v1", "active", 1, 2],
      ["v2", "closed", 0, 0],
    ]);
    expect((await listMilestones(project.id, { state: "closed" })).items.map((m) => m.title)).toEqual(["v2"]);
    expect((await listMilestones(project.id, { iids: [1, 2], search: "V1" })).items.map((m) => m.iid)).toEqual([1]);
  });
});
