import { describe, expect } from "vitest";
import { db } from "@/lib/db";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { SANDBOX_WORKSPACES, generateRepositories } from "@/mocks/bitbucket/seed";
import { importTest } from "@/test/sandbox";
import { importAll } from "./picker";
import { importStatusesFor } from "./status";

describe("Import all with the real pipeline", () => {
  importTest("runs a batch to the end with the stages of all imports interleaved, while status lookups stay quick", { timeout: 300_000 }, async ({ alice }) => {
    const filter = "worker";
    const matching = SANDBOX_WORKSPACES.filter((workspace) => workspace.members.some((member) => member.nickname === "alice"))
      .flatMap((workspace) => generateRepositories(workspace))
      .filter((repository) => repository.name.toLowerCase().includes(filter))
      .map((repository) => repository.full_name);
    expect(matching.length).toBeGreaterThanOrEqual(8);

    // Every import creates the same new group at once: it is created once, alice its Owner.
    const result = await importAll(alice, { filter, targetNamespace: "batch-team" });
    expect(result.rejected).toEqual([]);
    expect(result.started.map((status) => status.repository).sort()).toEqual([...matching].sort());
    const group = await db.namespace.findFirstOrThrow({ where: { fullPath: "batch-team" }, include: { memberships: true } });
    expect(group.memberships).toEqual([expect.objectContaining({ userId: alice.id, role: "owner" })]);

    // What the page polls, measured while the batch runs.
    const lookups: number[] = [];
    const deadline = Date.now() + 240_000;
    for (;;) {
      const started = performance.now();
      const statuses = await importStatusesFor(alice, matching);
      lookups.push(performance.now() - started);
      if (Object.values(statuses).every((status) => !isActiveImportStatus(status.status))) break;
      if (Date.now() > deadline) throw new Error(`still running: ${JSON.stringify(Object.values(statuses).map((status) => [status.repository, status.status, status.stage]))}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const imports = await db.projectImport.findMany({ where: { id: { in: result.started.map((status) => status.importId) } } });
    expect(imports.map((row) => row.status)).toEqual(Array(matching.length).fill("finished"));
    // First in, first out across imports: every import of the batch is under way before the first one finishes (none waits for whole imports ahead of it).
    const firstFinished = Math.min(...imports.map((row) => row.finishedAt!.getTime()));
    const underWayBeforeFirstFinished = imports.filter((row) => row.startedAt!.getTime() < firstFinished).length;
    console.log(`imports under way before the first finished: ${underWayBeforeFirstFinished} of ${imports.length}`);
    expect(underWayBeforeFirstFinished).toBe(imports.length);

    lookups.sort((a, b) => a - b);
    const median = lookups[Math.floor(lookups.length / 2)]!;
    console.log(`status lookups during the batch: ${lookups.length}, median ${median.toFixed(0)} ms, max ${lookups.at(-1)!.toFixed(0)} ms`);
    expect(median).toBeLessThan(500);
  });
});
