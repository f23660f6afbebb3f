import { z } from "zod";
import { db } from "@/lib/db";
import { cutOver, previewSync, requireSyncManager, setSyncSchedule, startSync } from "@/lib/import/sync/control";
import { findSync, listSyncs } from "@/lib/import/sync/read";
import { badRequest, notFound } from "../errors";
import { pageOf, paginatedResponse, paginationQuery } from "../pagination";
import { apiId } from "../params";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeSync } from "../serializers";

/**
 * Sync until cut-over: a project imported from a source is brought up to date with what changed
 * there since, on demand or every N minutes, until Cut over. Every endpoint needs the right to
 * manage the project's import (lib/projects/access.ts); others who can read the project get 403.
 */

async function importOf(projectId: number): Promise<number> {
  const row = await db.projectImport.findUnique({ where: { projectId }, select: { id: true } });
  if (!row) throw notFound("Import");
  return row.id;
}

/** `POST /projects/:id/import/sync`: 202 with the sync (its `id` to follow it). */
const start = apiRoute({ name: "start sync", access: "write", project: "read" }, async ({ caller, project }) => {
  const importId = await importOf(project.id);
  const { id } = await startSync(importId, { trigger: "api", userId: caller.id });
  return apiResponse(serializeSync((await findSync(importId, id))!), { status: 202 });
});

/** `GET /projects/:id/import/sync_preview`: what a sync would bring now, per type, without writing. */
const preview = apiRoute({ name: "preview sync", access: "read", project: "read" }, async ({ caller, project }) => {
  const result = await previewSync(caller.id, await importOf(project.id));
  return { pull_requests: result.pullRequests, issues: result.issues, issues_note: result.issuesNote };
});

/** Reading the syncs is part of managing the import. */
async function manageable(caller: { id: string }, projectId: number): Promise<number> {
  const importId = await importOf(projectId);
  await requireSyncManager(caller.id, importId);
  return importId;
}

/** `GET /projects/:id/import/syncs`: newest first, paginated. */
const list = apiRoute({ name: "list syncs", access: "read", project: "read", query: z.object(paginationQuery) }, async ({ caller, project, query, request }) => {
  const importId = await manageable(caller, project.id);
  const page = pageOf(query);
  const { items, total } = await listSyncs(importId, { skip: page.skip, take: page.take });
  return paginatedResponse(request, items.map((sync) => serializeSync(sync)), page, total);
});

/** `GET /projects/:id/import/syncs/:sync_id`: state, stats and failed relations. */
const show = apiRoute({ name: "show sync", access: "read", project: "read" }, async ({ caller, project, params }) => {
  const importId = await manageable(caller, project.id);
  const syncId = apiId().safeParse(params.sync_id);
  const sync = syncId.success ? await findSync(importId, syncId.data) : null;
  if (!sync) throw notFound("Sync");
  return serializeSync(sync);
});

const scheduleBody = z.object({ interval_minutes: apiId().optional(), enabled: z.union([z.boolean(), z.enum(["true", "false"])]).optional() });

/** `PUT /projects/:id/import/sync_schedule`: `{interval_minutes}` keeps the project in sync every N minutes; `{enabled: false}` stops that. */
const schedule = apiRoute({ name: "set sync schedule", access: "write", project: "read", body: scheduleBody }, async ({ caller, project, body }) => {
  const disable = body.enabled === false || body.enabled === "false";
  if (!disable && body.interval_minutes === undefined) throw badRequest("interval_minutes is missing (or send enabled: false)");
  const result = await setSyncSchedule(caller.id, await importOf(project.id), disable ? null : body.interval_minutes!);
  return { enabled: result.intervalMinutes !== null, interval_minutes: result.intervalMinutes, next_sync_at: result.nextSyncAt?.toISOString() ?? null };
});

/** `POST /projects/:id/import/cut_over`: no sync after this; the time is recorded. */
const cut = apiRoute({ name: "cut over", access: "write", project: "read" }, async ({ caller, project }) => {
  const at = await cutOver(caller.id, await importOf(project.id));
  return { cut_over_at: at.toISOString() };
});

export const syncRoutes: ApiRoutes = {
  "/projects/:id/import/sync": { POST: start },
  "/projects/:id/import/sync_preview": { GET: preview },
  "/projects/:id/import/syncs": { GET: list },
  "/projects/:id/import/syncs/:sync_id": { GET: show },
  "/projects/:id/import/sync_schedule": { PUT: schedule },
  "/projects/:id/import/cut_over": { POST: cut },
};
