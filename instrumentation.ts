/** Next.js calls this once per server process: the import workers run here unless WORKERS=0. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.WORKERS === "0" || !process.env.DATABASE_URL) return;
  const { startImportWorkers } = await import("@/lib/import/workers");
  await startImportWorkers();
  const { startArchiveWorkers } = await import("@/lib/archive/jobs");
  await startArchiveWorkers();
  const { startGistsImportWorkers } = await import("@/lib/snippets");
  await startGistsImportWorkers();
}
