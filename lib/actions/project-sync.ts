"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { cutOver, previewSync, setSyncSchedule, startSync, type SyncPreview } from "@/lib/import/sync/control";

/**
 * The sync actions of a project's Import tab (and the picker row's Sync now). Each checks the
 * right to manage the import (lib/projects/access: requireImportManager).
 */

const input = z.object({ importId: z.number().int().positive() });

export const syncProjectNow = userAction("sync now", input, async ({ importId }, { user }) => {
  const { id } = await startSync(importId, { trigger: "manual", userId: user.id });
  refresh();
  return { syncId: id };
});

export const previewProjectSync = userAction("preview sync", input, async ({ importId }, { user }): Promise<SyncPreview> => previewSync(user.id, importId));

export const setProjectSyncSchedule = userAction(
  "keep in sync",
  input.extend({ intervalMinutes: z.number().int().min(1).max(10_080).nullable() }),
  async ({ importId, intervalMinutes }, { user }) => {
    const result = await setSyncSchedule(user.id, importId, intervalMinutes);
    refresh();
    return { intervalMinutes: result.intervalMinutes };
  },
);

export const cutOverProject = userAction("cut over", input, async ({ importId }, { user }) => {
  await cutOver(user.id, importId);
  refresh();
  return { importId };
});
