import pLimit from "p-limit";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import type { ImportContext } from "../context";
import { errorMessage, recordFailure } from "../records";
import { importGitHubEvents } from "./notes";

const TIMELINE_CONCURRENCY = 6;

/**
 * The items another item of the repository refers to (`#N`, `!N`, links to the project). GitHub's
 * event listing lacks cross-references; they are on the referenced item's timeline, so only these
 * items' timelines are read, not every item's. `reviewsOnly`: the items only review bodies
 * refer to, for after the reviews (which run beside the first reading of the timelines).
 */
export async function referencedItems(ctx: ImportContext, reviewsOnly = false): Promise<number[]> {
  const projectId = ctx.project.id;
  const references = referenceScanner(ctx);
  const targets = new Set<number>();
  const scan = (from: number, text: string) => {
    for (const number of references(from, text)) targets.add(number);
  };
  const [issues, mergeRequests] = await Promise.all([
    db.issue.findMany({ where: { projectId }, select: { id: true, iid: true, description: true } }),
    db.mergeRequest.findMany({ where: { projectId }, select: { id: true, iid: true, description: true } }),
  ]);
  if (!reviewsOnly) for (const item of [...issues, ...mergeRequests]) scan(item.iid, item.description);
  const issueIid = new Map(issues.map((issue) => [issue.id, issue.iid]));
  const mergeRequestIid = new Map(mergeRequests.map((mergeRequest) => [mergeRequest.id, mergeRequest.iid]));
  let cursor = 0;
  for (;;) {
    const where = { projectId, system: false, id: { gt: cursor }, ...(reviewsOnly ? { sourceId: { startsWith: "review-" }, type: null } : {}) };
    const notes = await db.note.findMany({ where, select: { id: true, body: true, issueId: true, mergeRequestId: true }, orderBy: { id: "asc" }, take: 5_000 });
    if (notes.length === 0) break;
    for (const note of notes) scan((note.issueId ? issueIid.get(note.issueId) : mergeRequestIid.get(note.mergeRequestId ?? 0)) ?? 0, note.body);
    cursor = notes.at(-1)!.id;
  }
  const existing = new Set([...issueIid.values(), ...mergeRequestIid.values()]);
  const read = reviewsOnly ? await timelinesPlanned(ctx.importId) : new Set<number>();
  return [...targets].filter((number) => existing.has(number) && !read.has(number)).sort((a, b) => a - b);
}

/**
 * The numbers a converted text of item `from` refers to (`#N`, `!N`, links to the project's issues
 * and merge requests), its own number left out; whether those items exist is the caller's check.
 */
export function referenceScanner(ctx: ImportContext): (from: number, text: string) => number[] {
  const projectUrl = `${config().NEXTAUTH_URL}/${ctx.project.fullPath}`;
  const escaped = projectUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(?:^|[\\s(\\[,;:])[#!](\\d+)\\b|${escaped}/-/(?:issues|merge_requests)/(\\d+)`, "g");
  return (from, text) => [...new Set([...text.matchAll(pattern)].map((match) => Number(match[1] ?? match[2])))].filter((number) => number !== from);
}

/** The items whose timelines the first cross-reference stage reads. */
async function timelinesPlanned(importId: number): Promise<Set<number>> {
  const batches = await db.importWorkUnit.findMany({ where: { importId, stage: "github_cross_references", key: { startsWith: "batch:" } }, select: { payload: true } });
  return new Set(batches.flatMap((batch) => (batch.payload as { ids?: number[] } | null)?.ids ?? []));
}

/** The cross-references on the timelines of a batch of items, as "mentioned in" system notes, written together. */
export async function importCrossReferences(ctx: ImportContext, numbers: readonly number[]): Promise<void> {
  const timelines = await pLimit(TIMELINE_CONCURRENCY).map(numbers, async (number) => {
    await ctx.checkpoint();
    try {
      // A timeline's events do not name their item: each is given the number it was read for.
      return (await ctx.github.crossReferences(number)).map((event) => ({ ...event, issue: { number } }));
    } catch (error) {
      if ((error as { code?: string }).code === "github_rate_limited") throw error;
      await recordFailure(ctx.importId, { stage: "github_cross_references", objectType: "issue_event", sourceId: `timeline-${number}`, message: `The timeline of #${number} could not be read: ${errorMessage(error)}` });
      return [];
    }
  });
  await importGitHubEvents(ctx, timelines.flat());
}
