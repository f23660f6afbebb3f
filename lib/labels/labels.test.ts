import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { listMilestones } from "@/lib/milestones";
import { seedProject } from "@/test/projects";
import { listLabels } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("labels and milestones", () => {
  it("counts issues per label and open/closed issues per milestone", async () => {
    const { alice, project } = await seedProject();
    const bug = await db.label.create({ data: { projectId: project.id, title: "bug", color: "#f00", description: "Broken things" } });
    await db.label.create({ data: { projectId: project.id, title: "idea", color: "#0f0" } });
    const v1 = await db.milestone.create({ data: { projectId: project.id, iid: 1, title: "v1" } });
    await db.milestone.create({ data: { projectId: project.id, iid: 2, title: "v2", state: "closed" } });
    for (const [iid, state] of [[1, "opened"], [2, "closed"], [3, "closed"]] as const) {
      await db.issue.create({
        data: { projectId: project.id, iid, title: `I${iid}`, state, authorId: alice.id, milestoneId: v1.id, labels: { create: iid < 3 ? [{ labelId: bug.id }] : [] } },
      });
    }
    expect((await listLabels(project.id)).items.map((label) => [label.title, label.openIssues, label.closedIssues, label.description])).toEqual([
      ["bug", 1, 1, "Broken things"],
      ["idea", 0, 0, null],
    ]);
    expect((await listLabels(project.id, { search: "BU" })).items.map((label) => label.title)).toEqual(["bug"]);
    expect((await listMilestones(project.id)).items.map((m) => [m.title, m.state, m.openIssues, m.closedIssues])).toEqual([
      ["v1", "active", 1, 2],
      ["v2", "closed", 0, 0],
    ]);
  });
});
