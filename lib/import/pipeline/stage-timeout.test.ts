import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startGitHubImport } from "@/lib/import/github-start";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { resetDatabase } from "@/test/db";
import { createGithubLinkedUser, SHOWCASE_REPO_ID, startGithubTestSandbox, type GithubSandbox } from "@/test/github";
import { waitFor, waitForImport } from "@/test/import";

// Three seconds without progress end a stage; GitHub answering in ten seconds stalls whichever stage asks it first.
const STALL_MS = 10_000;

let sandbox: GithubSandbox;
let stopSandbox: () => Promise<void>;

beforeAll(async () => {
  ({ sandbox, stop: stopSandbox } = await startGithubTestSandbox({ env: { IMPORT_STAGE_TIMEOUT_MINUTES: "0.05" } }));
  await resetDatabase();
  await startImportWorkers();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

async function startStalledImport(timeoutStrategy: "optimistic" | "pessimistic") {
  await resetDatabase();
  sandbox.state.reset();
  sandbox.state.updateKnobs({ latencyMs: STALL_MS });
  const alice = await createGithubLinkedUser("alice");
  return startGitHubImport(alice, { repoId: SHOWCASE_REPO_ID, timeoutStrategy });
}

it("fails the import when a stage makes no progress, under the pessimistic strategy", { timeout: 60_000 }, async () => {
  const started = await startStalledImport("pessimistic");
  const ended = await waitForImport(started.importId, 40_000);
  sandbox.state.updateKnobs({ latencyMs: 0 });
  expect(ended.status).toBe("failed");
  expect(ended.error).toMatch(/made no progress for 0.05 minutes/);
  const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
  expect(failures).toHaveLength(1);
  expect(failures[0]!.stage).toBe(ended.stage);
  expect(failures[0]!.message).toMatch(/timeout strategy: pessimistic/);
});

it("skips a stage that makes no progress and goes on, under the optimistic strategy", { timeout: 90_000 }, async () => {
  const started = await startStalledImport("optimistic");
  const skipped = await waitFor(
    () => db.importFailure.findFirst({ where: { importId: started.importId, message: { contains: "timeout strategy: optimistic" } } }),
    40_000,
    "a stalled stage to be skipped",
  );
  sandbox.state.updateKnobs({ latencyMs: 0 });
  const ended = await waitForImport(started.importId, 60_000);
  // Finished, with the skipped stage's units in the ledger.
  expect(ended.status).toBe("partial");
  expect(ended.error ?? "").not.toMatch(/made no progress/);
  expect(ended.stage).not.toBe(skipped.stage);
  expect(skipped.sourceId.startsWith(`${skipped.stage}:`)).toBe(true);
});
