"use client";

import { useRef, useState, type KeyboardEvent } from "react";
import type { PickerActions } from "@/lib/actions/picker-actions";
import type { ImportAllPreview, ImportAllResult } from "@/lib/import/picker";
import type { RowStore } from "./row-store";
import type { BatchState } from "./status-poller";
import { formatCount } from "./status-text";

type Phase =
  | { kind: "idle" }
  | { kind: "counting" }
  | { kind: "confirm"; preview: ImportAllPreview }
  | { kind: "starting"; count: number }
  | { kind: "error"; message: string };

/**
 * "Import all": every repository matching the filter that has not been imported yet, on every
 * page (the server lists them all, not only the rows loaded here), after a confirmation naming
 * the count. Rows edited on screen keep their target; problems are reported per repository.
 */
export function ImportAll({
  actions,
  filter,
  params,
  personalNamespace,
  store,
  batch,
  onStarted,
  disabled,
}: {
  actions: PickerActions;
  filter: string;
  params: Record<string, string>;
  personalNamespace: string;
  store: RowStore;
  batch: BatchState | null;
  onStarted: (batch: BatchState) => void;
  disabled: boolean;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [outcome, setOutcome] = useState<Pick<ImportAllResult, "rejected" | "remaining" | "problems"> | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  async function ask() {
    setPhase({ kind: "counting" });
    setOutcome(null);
    try {
      const result = await actions.previewImportAllRepositories({ filter, params });
      if (!result.ok) return setPhase({ kind: "error", message: result.error.message });
      setPhase({ kind: "confirm", preview: result.data });
      dialog.current?.showModal();
    } catch {
      setPhase({ kind: "error", message: "Ferry could not be reached. Check your connection and try again." });
    }
  }

  function close() {
    dialog.current?.close();
    setPhase({ kind: "idle" });
    trigger.current?.focus();
  }

  async function confirm(count: number) {
    dialog.current?.close();
    setPhase({ kind: "starting", count });
    try {
      const result = await actions.importAllRepositories({ filter, params, overrides: store.editedTargets() });
      if (!result.ok) return setPhase({ kind: "error", message: result.error.message });
      store.setStatuses(Object.fromEntries(result.data.started.map((status) => [status.repository, status])), { announce: false });
      for (const rejected of result.data.rejected) store.update(rejected.repository, () => ({ error: rejected.message }));
      setOutcome({ rejected: result.data.rejected, remaining: result.data.remaining, problems: result.data.problems });
      onStarted({ importIds: result.data.started.map((status) => status.importId), summary: null });
      setPhase({ kind: "idle" });
    } catch {
      setPhase({ kind: "error", message: "Ferry could not be reached. Check your connection and try again." });
    }
  }

  /** Tab and Shift+Tab cycle through the dialog's controls instead of leaving it for the browser's. */
  function trapFocus(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== "Tab") return;
    const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>("button, a[href], input, select, textarea")].filter((element) => !element.hasAttribute("disabled"));
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  const busy = phase.kind === "counting" || phase.kind === "starting";
  const summary = batch?.summary;
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        ref={trigger}
        type="button"
        onClick={() => void ask()}
        disabled={disabled || busy}
        className="rounded-md border border-brand-600 bg-white px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {phase.kind === "counting" ? "Counting…" : phase.kind === "starting" ? `Starting ${formatCount(phase.count, "import")}…` : "Import all"}
      </button>
      <div aria-live="polite" className="text-right text-xs text-slate-600" data-testid="import-all-status">
        {phase.kind === "error" && <span className="text-red-700">{phase.message}</span>}
        {batch && summary && (
          <span data-testid="import-all-summary">
            Import all: {summary.finished} complete
            {summary.partial > 0 && `, ${summary.partial} partially completed`}
            {summary.failed > 0 && `, ${summary.failed} failed`}
            {summary.canceled > 0 && `, ${summary.canceled} cancelled`}
            {summary.started > 0 && `, ${summary.started} importing`}
            {summary.scheduled > 0 && `, ${summary.scheduled} pending`} (of {summary.total})
          </span>
        )}
        {batch && !summary && <span>Import all: {formatCount(batch.importIds.length, "import")} queued</span>}
      </div>
      {outcome && (outcome.rejected.length > 0 || outcome.remaining > 0 || outcome.problems.length > 0) && (
        <div role="status" className="max-w-xl rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-left text-xs text-amber-900" data-testid="import-all-problems">
          {outcome.rejected.length > 0 && (
            <details>
              <summary className="cursor-pointer">{formatCount(outcome.rejected.length, "repository", "repositories")} could not be imported</summary>
              <ul className="mt-1 list-disc pl-4">
                {outcome.rejected.map((entry) => (
                  <li key={entry.repository}>
                    <strong>{entry.repository}</strong>: {entry.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {outcome.remaining > 0 && <p>{formatCount(outcome.remaining, "more repository", "more repositories")} match; choose Import all again to import them.</p>}
          {outcome.problems.map((problem) => (
            <p key={problem.workspace}>
              Workspace {problem.workspace} could not be listed: {problem.message}
            </p>
          ))}
        </div>
      )}

      <dialog
        ref={dialog}
        onCancel={(event) => {
          event.preventDefault();
          close();
        }}
        onKeyDown={trapFocus}
        aria-labelledby="import-all-title"
        className="m-auto max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
        data-testid="import-all-dialog"
      >
        {phase.kind === "confirm" && (
          <div className="p-5">
            <h2 id="import-all-title" className="text-lg font-semibold text-slate-900">
              {phase.preview.count === 0 ? "Nothing to import" : `Import ${formatCount(phase.preview.count, "repository", "repositories")}?`}
            </h2>
            <p className="mt-2 text-sm text-slate-700">
              {phase.preview.count === 0
                ? phase.preview.alreadyImported === 0
                  ? filter
                    ? `No repository matches “${filter}”.`
                    : "There is no repository to import."
                  : `Every repository${filter ? ` matching “${filter}”` : ""} has been imported already.`
                : `Every repository${filter ? ` matching “${filter}”` : ""} that has not been imported yet, on all pages (not only those loaded), goes to the namespace set on its row, or to ${personalNamespace}.`}
            </p>
            {phase.preview.alreadyImported > 0 && (
              <p className="mt-1 text-sm text-slate-600">{formatCount(phase.preview.alreadyImported, "repository", "repositories")} imported before will be skipped.</p>
            )}
            {phase.preview.count > phase.preview.limit && (
              <p className="mt-1 text-sm text-amber-800">The first {phase.preview.limit.toLocaleString("en-US")} start now; choose Import all again for the rest.</p>
            )}
            <div className="mt-5 flex justify-end gap-2">
              <button type="button" onClick={close} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
                {phase.preview.count === 0 ? "Close" : "Cancel"}
              </button>
              {phase.preview.count > 0 && (
                <button
                  type="button"
                  autoFocus
                  onClick={() => void confirm(Math.min(phase.preview.count, phase.preview.limit))}
                  className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
                >
                  Import {formatCount(Math.min(phase.preview.count, phase.preview.limit), "repository", "repositories")}
                </button>
              )}
            </div>
          </div>
        )}
      </dialog>
    </div>
  );
}
