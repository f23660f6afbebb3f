"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/wrapper";
import { cutOverProject, previewProjectSync, setProjectSyncSchedule, syncProjectNow } from "@/lib/actions/project-sync";
import type { SyncPreview } from "@/lib/import/sync/control";

const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";

function previewText(preview: SyncPreview): string {
  const part = (label: string, counts: { created: number; updated: number }) => `${label}: ${counts.created} new, ${counts.updated} updated`;
  const parts = [part("Pull requests", preview.pullRequests)];
  if (preview.issues) parts.push(part("Issues", preview.issues));
  else if (preview.issuesNote) parts.push(preview.issuesNote);
  return parts.join(" · ");
}

/** Sync now, Preview, Keep in sync every N minutes, Cut over (for people who manage the import). */
export function SyncControls({ importId, running, intervalMinutes, defaultInterval }: { importId: number; running: boolean; intervalMinutes: number | null; defaultInterval: number }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<SyncPreview | null>(null);
  const [interval, setIntervalText] = useState(String(intervalMinutes ?? defaultInterval));
  const [confirmCutOver, setConfirmCutOver] = useState(false);

  function run<T>(action: () => Promise<ActionResult<T>>, then?: (value: T) => void) {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) setError(result.error.message);
      else then?.(result.data);
    });
  }

  const minutes = Number(interval);
  const validInterval = Number.isInteger(minutes) && minutes >= 1;
  return (
    <div className="space-y-3" data-testid="sync-controls">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" disabled={pending || running} onClick={() => run(() => syncProjectNow({ importId }), () => setPreview(null))} className={`${button} bg-brand-600 text-white hover:bg-brand-700`}>
          {running ? "Syncing…" : "Sync now"}
        </button>
        <button type="button" disabled={pending} onClick={() => run(() => previewProjectSync({ importId }), setPreview)} className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}>
          Preview
        </button>
        <label className="ml-2 flex items-center gap-2 text-sm text-slate-700">
          Keep in sync every
          <input
            type="number"
            min={1}
            value={interval}
            onChange={(event) => setIntervalText(event.target.value)}
            className="w-20 rounded-md border border-slate-300 px-2 py-1 text-sm"
            aria-label="Sync interval in minutes"
          />
          minutes
        </label>
        <button type="button" disabled={pending || !validInterval} onClick={() => run(() => setProjectSyncSchedule({ importId, intervalMinutes: minutes }))} className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}>
          {intervalMinutes === null ? "Keep in sync" : "Change interval"}
        </button>
        {intervalMinutes !== null && (
          <button type="button" disabled={pending} onClick={() => run(() => setProjectSyncSchedule({ importId, intervalMinutes: null }))} className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}>
            Stop keeping in sync
          </button>
        )}
        {confirmCutOver ? (
          <span className="flex items-center gap-2 text-sm">
            No sync runs after cut over.
            <button type="button" disabled={pending} onClick={() => run(() => cutOverProject({ importId }))} className={`${button} bg-red-600 text-white hover:bg-red-700`}>
              Confirm cut over
            </button>
            <button type="button" onClick={() => setConfirmCutOver(false)} className={`${button} text-slate-600`}>
              Keep syncing
            </button>
          </span>
        ) : (
          <button type="button" disabled={pending} onClick={() => setConfirmCutOver(true)} className={`${button} border border-red-300 bg-white text-red-700 hover:bg-red-50`}>
            Cut over
          </button>
        )}
      </div>
      {preview && (
        <p role="status" data-testid="sync-preview" className="rounded-md border border-brand-200 bg-brand-50 px-3 py-2 text-sm text-slate-800">
          A sync now would bring: {previewText(preview)}
        </p>
      )}
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
