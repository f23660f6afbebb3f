"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import type { BatchSummary } from "@/lib/import/status";
import { isActive, useStoreVersion, type RowStore } from "./row-store";
import type { PickerSource } from "./source";

/** Between 2 and 3 seconds: live enough for a progress display, and cheap with one request per poll. */
export const POLL_INTERVAL_MS = 2500;

export type BatchState = { importIds: number[]; summary: BatchSummary | null };

export function batchIsActive(batch: BatchState | null): boolean {
  return Boolean(batch && (batch.summary === null || batch.summary.scheduled + batch.summary.started > 0));
}

/**
 * Polls ONE server action for the statuses of the rows on screen that are still importing (and the
 * counts of the last "Import all"), every POLL_INTERVAL_MS while any is active. It stops by itself
 * when all are terminal, and TanStack Query skips interval refetches while the tab is hidden.
 */
export function StatusPoller({
  source,
  store,
  onScreen,
  batch,
  onBatch,
}: {
  source: PickerSource;
  store: RowStore;
  onScreen: readonly string[];
  batch: BatchState | null;
  onBatch: (summary: BatchSummary) => void;
}) {
  useStoreVersion(store);
  const active = onScreen.filter((repository) => isActive(store.get(repository).status));
  const enabled = active.length > 0 || batchIsActive(batch);
  const request = useRef({ repositories: active, importIds: batch?.importIds });
  request.current = { repositories: active.slice(0, 500), importIds: batchIsActive(batch) ? batch?.importIds : undefined };
  const onBatchRef = useRef(onBatch);
  onBatchRef.current = onBatch;

  useQuery({
    queryKey: [source.id, "import-statuses"],
    queryFn: async () => {
      const result = await source.actions.importStatuses(request.current);
      if (!result.ok) throw new Error(result.error.message);
      store.setStatuses(result.data.statuses);
      if (result.data.batch) onBatchRef.current(result.data.batch);
      return Date.now();
    },
    enabled,
    refetchInterval: enabled ? POLL_INTERVAL_MS : false,
    refetchIntervalInBackground: false,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  return null;
}
