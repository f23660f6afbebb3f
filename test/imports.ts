import { db } from "@/lib/db";

/** Polls an import until it is no longer scheduled or started, and returns its row. */
export async function waitForImport(importId: number, timeoutMs = 100_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    if (!["scheduled", "started"].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`import still ${row.status} at stage ${row.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
