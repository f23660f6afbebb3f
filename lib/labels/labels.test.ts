import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { seedProject } from "@/test/projects";
import { listLabels } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("listLabels", () => {
  it("lists labels by title with their open and closed issue and open merge request counts, all of them or a page", async () => {
    const { alice, project } = await seedProject();
    const bug = await db.label.create({ data: { projectId: project.id, title: "bug", color: "#f00", description: "Broken things" } });
    await db.label.create({ data: { projectId: project.id, title: "idea", color: "#0f0" } });
    for (const [iid, state] of [[1, "opened"], [2, "closed"], [3, "closed"]] as const) {
      await db.issue.create({ data: { projectId: project.id, iid, title: `I${iid}`, state, authorId: alice.id, labels: { create: iid < 3 ? [{ labelId: bug.id }] : [] } } });
    }
    for (const [iid, state] of [[1, "opened"], [2, "opened"], [3, "merged"], [4, "closed"]] as const) {
      const labels = iid === 2 ? [] : [{ labelId: bug.id }];
      await db.mergeRequest.create({ data: { projectId: project.id, iid, title: `M${iid}`, state, sourceBranch: `b${iid}`, targetBranch: "main", authorId: alice.id, labels: { create: labels } } });
    }
    expect((await listLabels(project.id)).items.map((label) => [label.title, label.openIssues, label.closedIssues, label.openMergeRequests, label.description])).toEqual([
      ["bug", 1, 1, 1, "Broken things"],
      ["idea", 0, 0, 0, null],
    ]);
    expect((await listLabels(project.id, { search: "BU" })).items.map((label) => label.title)).toEqual(["bug"]);
    expect(await listLabels(project.id, { page: 2, perPage: 1 })).toMatchObject({ total: 2, pageCount: 2, items: [{ title: "idea", openIssues: 0 }] });
  });
});
