import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { minuteAt, seedProject } from "@/test/projects";
import { getImportDetails } from "./import-details";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("getImportDetails", () => {
  it("orders progress by import order and lists unresolved failures first", async () => {
    const { alice, project } = await seedProject();
    const run = await db.projectImport.create({
      data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: "acme/rocket", userId: alice.id, status: "partial" },
    });
    await db.importProgress.createMany({
      data: [
        { importId: run.id, objectType: "issue", total: 3, fetched: 3, imported: 2, failed: 1 },
        { importId: run.id, objectType: "pull_request", total: 2, fetched: 2, imported: 2 },
        { importId: run.id, objectType: "repository", total: 1, fetched: 1, imported: 1 },
      ],
    });
    await db.importFailure.create({ data: { importId: run.id, stage: "issues", objectType: "issue", sourceId: "1", message: "old", resolvedAt: minuteAt(5), createdAt: minuteAt(1) } });
    await db.importFailure.create({ data: { importId: run.id, stage: "issues", objectType: "issue", sourceId: "2", message: "boom", createdAt: minuteAt(2) } });
    await db.importMessage.create({ data: { importId: run.id, severity: "warning", code: "issues_removed", message: "Some issues were removed" } });

    const details = await getImportDetails(project.id);
    expect(details?.progress.map((row) => row.objectType)).toEqual(["repository", "pull_request", "issue"]);
    expect(details?.failures.map((failure) => failure.message)).toEqual(["boom", "old"]);
    expect(details?.unresolvedFailures).toBe(1);
    expect(details?._count.failures).toBe(2);
    expect(details?.messages.map((message) => message.code)).toEqual(["issues_removed"]);
  });

  it("is null for a project that was not imported", async () => {
    const { project } = await seedProject();
    expect(await getImportDetails(project.id)).toBeNull();
  });
});
