"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { memo, useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type Ref } from "react";
import type { PickerRepository } from "@/lib/import/listing-stream";
import type { RowImportStatus } from "@/lib/import/status";
import { namespacePathProblem, projectPathFromName, projectPathProblem, toValidPath } from "@/lib/namespaces/paths";
import { syncProjectNow } from "@/lib/actions/project-sync";
import { syncAvailableFor } from "@/lib/import/sync/availability";
import { isActive, useRow, type RowDraft, type RowStore } from "./row-store";
import type { PickerDefaults, PickerSource } from "./source";
import { useDebouncedValue } from "./use-debounced-value";
import { useRowKeyboard } from "./use-row-keyboard";
import { formatCount, importDetailsHref, progressText, statusLabel, typeCountsText } from "./status-text";

/** Shared by the header and the rows so the columns line up; below 640 px a row's cells stack. */
export const ROW_GRID = "grid grid-cols-1 gap-y-2 sm:grid-cols-[minmax(0,1.15fr)_minmax(0,1.25fr)_minmax(0,1fr)_9.5rem] sm:gap-x-4 sm:gap-y-0";

const TONES: Record<RowImportStatus["status"] | "none", string> = {
  none: "text-slate-600",
  scheduled: "border border-slate-200 bg-slate-100 text-slate-700",
  started: "border border-brand-100 bg-brand-50 text-brand-700",
  finished: "border border-green-200 bg-green-50 text-green-800",
  partial: "border border-amber-200 bg-amber-50 text-amber-900",
  failed: "border border-red-200 bg-red-50 text-red-800",
  canceled: "border border-slate-200 bg-slate-100 text-slate-700",
};

const BUTTON = "rounded-md border px-3 py-1 text-sm font-medium whitespace-nowrap disabled:cursor-not-allowed disabled:opacity-60";
const INPUT = "w-full min-w-0 rounded-md border bg-white px-2 py-1 text-sm shadow-sm focus:outline-none focus:ring-1";

function splitPath(fullPath: string): { namespace: string; name: string } {
  const index = fullPath.lastIndexOf("/");
  return { namespace: fullPath.slice(0, index), name: fullPath.slice(index + 1) };
}

function defaultDraft(repository: PickerRepository, status: RowImportStatus | null, personalNamespace: string): RowDraft {
  // A failed or cancelled import is continued where it is; anything else starts in the personal namespace.
  const target =
    status && (status.status === "failed" || status.status === "canceled")
      ? splitPath(status.projectFullPath)
      : { namespace: personalNamespace, name: toValidPath(repository.slug, "project") };
  return { ...target, edited: false, reimportOpen: false, optionsOpen: false, options: {} };
}

export type RepositoryRowProps = {
  repository: PickerRepository;
  source: PickerSource;
  defaults: PickerDefaults;
  store: RowStore;
  personalNamespace: string;
  datalistId: string;
  index: number;
  style: CSSProperties;
  measureRef: Ref<HTMLDivElement>;
};

export const RepositoryRow = memo(function RepositoryRow({ repository, source, defaults, store, personalNamespace, datalistId, index, style, measureRef }: RepositoryRowProps) {
  const fullName = repository.fullName;
  const { status, draft: storedDraft, busy, error } = useRow(store, fullName);
  const draft = storedDraft ?? defaultDraft(repository, status, personalNamespace);
  const resumable = status?.status === "failed" || status?.status === "canceled";
  const editable = !status || resumable || draft.reimportOpen;
  const active = isActive(status);
  const done = status?.status === "finished" || status?.status === "partial";

  const nameInput = useRef<HTMLInputElement>(null);
  const rowKeyboard = useRowKeyboard();
  const rowRef = useCallback(
    (row: HTMLDivElement | null) => {
      rowKeyboard(row);
      if (typeof measureRef === "function") measureRef(row);
      else if (measureRef) measureRef.current = row;
    },
    [rowKeyboard, measureRef],
  );
  const actionsCell = useRef<HTMLDivElement>(null);
  const reimportButton = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(draft.reimportOpen);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (draft.reimportOpen && !wasOpen.current) nameInput.current?.focus();
    // After the form closes (the button may have been disabled while it was open).
    if (!draft.reimportOpen && returnFocus.current) reimportButton.current?.focus();
    returnFocus.current = false;
    wasOpen.current = draft.reimportOpen;
  }, [draft.reimportOpen]);

  const namespace = draft.namespace.trim();
  const name = draft.name.trim();
  const path = projectPathFromName(name);
  const targetPath = `${namespace || personalNamespace}/${path}`;
  const namespaceProblem = namespace ? namespacePathProblem(namespace) : null;
  const nameProblem = name === "" ? "Project path can't be blank." : projectPathProblem(path);
  const sameAsLast = Boolean(status && status.projectFullPath.toLowerCase() === targetPath.toLowerCase());
  const duplicate = sameAsLast && !resumable ? `A project already exists at ${status!.projectFullPath}. Choose another name.` : null;
  const localProblem = namespaceProblem ?? nameProblem ?? duplicate;

  // The server says what Import would do with the target (a group created, a namespace the user
  // cannot import into, a taken path), once the row has been touched: edited, focused or pointed at.
  const [touched, setTouched] = useState(false);
  const targetKey = useDebouncedValue(`${namespace}\n${name}`, 300);
  const settled = targetKey === `${namespace}\n${name}`;
  const [targetNamespace = "", targetName = ""] = targetKey.split("\n");
  const preview = useQuery({
    queryKey: [source.id, "import-target", fullName, targetNamespace.toLowerCase(), targetName],
    queryFn: async () => {
      const result = await source.actions.checkImportTarget({ repository: fullName, targetNamespace: targetNamespace || null, name: targetName });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    enabled: editable && !busy && (touched || draft.edited || draft.reimportOpen) && !localProblem && settled,
    staleTime: 5_000,
    retry: false,
  });
  const checked = settled && !localProblem ? preview.data : undefined;
  const problem = localProblem ?? checked?.problem ?? null;

  // Any change of the target makes an earlier Import error stale.
  const setDraft = (change: Partial<RowDraft>) => store.update(fullName, (row) => ({ error: null, draft: { ...(row.draft ?? draft), ...change } }));
  const idBase = `repo-${index}-${repository.uuid.replace(/[^A-Za-z0-9]/g, "")}`;

  async function startImport() {
    if (busy || problem) return;
    store.update(fullName, () => ({ busy: "import", error: null }));
    try {
      const result = await source.actions.importRepository({
        repository: fullName,
        targetNamespace: namespace.toLowerCase() === personalNamespace.toLowerCase() ? null : namespace || null,
        name,
        userMapping: draft.options.userMapping,
        attachments: draft.options.attachments,
        sourceOptions: draft.options.sourceOptions,
      });
      if (result.ok) {
        const hadFocus = actionsCell.current?.parentElement?.contains(document.activeElement) ?? false;
        store.update(fullName, () => ({ busy: null, draft: null, error: null }));
        store.setStatuses({ [fullName]: result.data.status });
        // The inputs and the Import button are gone: keep the keyboard on the row, on its new first button.
        if (hadFocus) {
          requestAnimationFrame(() => {
            if (document.activeElement && document.activeElement !== document.body) return;
            actionsCell.current?.querySelector<HTMLElement>("button, a")?.focus();
          });
        }
      } else {
        store.update(fullName, () => ({ busy: null, error: result.error.message }));
      }
    } catch {
      store.update(fullName, () => ({ busy: null, error: "Ferry could not be reached. Check your connection and try again." }));
    }
  }

  async function cancel() {
    if (!status || busy) return;
    store.update(fullName, () => ({ busy: "cancel", error: null }));
    try {
      const result = await source.actions.cancelRepositoryImport({ importId: status.importId });
      store.update(fullName, () => ({ busy: null, error: result.ok ? null : result.error.message }));
      if (result.ok) store.setStatuses({ [fullName]: result.data });
    } catch {
      store.update(fullName, () => ({ busy: null, error: "Ferry could not be reached. Check your connection and try again." }));
    }
  }

  /** Brings what changed at the source since the import into the existing project; the row then follows the sync like an import. */
  async function syncNow() {
    if (!status || busy) return;
    store.update(fullName, () => ({ busy: "sync", error: null }));
    try {
      const result = await syncProjectNow({ importId: status.importId });
      store.update(fullName, () => ({ busy: null, error: result.ok ? null : result.error.message }));
      if (result.ok) store.setStatuses({ [fullName]: { ...status, status: "started", stage: "syncing the repository", counts: null, percent: 0 } });
    } catch {
      store.update(fullName, () => ({ busy: null, error: "Ferry could not be reached. Check your connection and try again." }));
    }
  }

  /** Opens the re-import form on the last target, then moves its name to a free one (alice/x is taken by the last import: alice/x-2). */
  async function openReimport() {
    const last = status ? splitPath(status.projectFullPath) : { namespace: personalNamespace, name: repository.slug };
    store.update(fullName, (row) => ({ error: null, draft: { ...(row.draft ?? draft), namespace: last.namespace, name: last.name, reimportOpen: true } }));
    const result = await source.actions.checkImportTarget({ repository: fullName, targetNamespace: last.namespace, name: last.name }).catch(() => null);
    const suggestion = result?.ok ? result.data.suggestion : null;
    if (!suggestion) return;
    store.update(fullName, (row) => (row.draft?.reimportOpen && row.draft.name === last.name ? { draft: { ...row.draft, name: suggestion } } : {}));
  }

  function closeReimport() {
    returnFocus.current = true;
    store.update(fullName, (row) => ({ error: null, draft: row.draft ? { ...row.draft, reimportOpen: false } : null }));
  }

  function onRowKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape" && draft.reimportOpen) {
      event.preventDefault();
      closeReimport();
    }
  }

  function onInputKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void startImport();
    }
  }

  const progress = status ? progressText(status, source.name) : null;
  const typeCounts = status ? typeCountsText(status) : null;
  const label = busy === "import" ? "Starting…" : statusLabel(status);

  return (
    <div
      ref={rowRef}
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      data-testid="repository-row"
      data-full-name={fullName}
      data-status={status?.status ?? "none"}
      onKeyDown={onRowKeyDown}
      onFocus={() => setTouched(true)}
      onPointerEnter={() => setTouched(true)}
      style={style}
      className={`${ROW_GRID} absolute top-0 left-0 w-full items-start border-t border-slate-100 bg-white px-4 py-3 text-sm`}
    >
      <div role="cell" className="min-w-0">
        <a href={repository.htmlUrl} target="_blank" rel="noreferrer noopener" className="font-medium break-words text-brand-600 hover:underline">
          {fullName}
        </a>
        {source.rowFacts?.(repository)}
        {status && (
          <div className="mt-0.5 text-xs text-slate-600" data-testid="last-imported">
            Last imported to{" "}
            <Link href={`/${status.projectFullPath}`} className="font-medium text-brand-600 hover:underline">
              {status.projectFullPath}
            </Link>
          </div>
        )}
      </div>

      <div role="cell" className="min-w-0">
        {editable ? (
          <div className="flex flex-col gap-1">
            <div className="flex items-center gap-1">
              <input
                id={`${idBase}-namespace`}
                list={datalistId}
                value={draft.namespace}
                onChange={(event) => setDraft({ namespace: event.target.value, edited: true })}
                onKeyDown={onInputKeyDown}
                aria-label={`Target namespace for ${fullName}`}
                aria-invalid={namespaceProblem ? true : undefined}
                aria-describedby={`${idBase}-target-help`}
                autoComplete="off"
                spellCheck={false}
                className={`${INPUT} basis-1/2 ${namespaceProblem ? "border-red-400 focus:ring-red-500" : "border-slate-300 focus:border-brand-600 focus:ring-brand-600"}`}
              />
              <span aria-hidden className="text-slate-400">
                /
              </span>
              <input
                ref={nameInput}
                id={`${idBase}-name`}
                value={draft.name}
                onChange={(event) => setDraft({ name: event.target.value, edited: true })}
                onKeyDown={onInputKeyDown}
                aria-label={`Project name for ${fullName}`}
                aria-invalid={nameProblem || duplicate ? true : undefined}
                aria-describedby={`${idBase}-target-help`}
                autoComplete="off"
                spellCheck={false}
                className={`${INPUT} basis-1/2 ${nameProblem || duplicate ? "border-red-400 focus:ring-red-500" : "border-slate-300 focus:border-brand-600 focus:ring-brand-600"}`}
              />
            </div>
            <div id={`${idBase}-target-help`} className="text-xs" data-testid="target-help" data-checked={checked ? "true" : "false"}>
              {problem ? (
                <span className="text-red-700" data-testid="target-problem">
                  {problem}
                  {checked?.suggestion && (
                    <>
                      {" "}
                      <button type="button" onClick={() => setDraft({ name: checked.suggestion!, edited: true })} className="font-medium text-brand-700 underline">
                        Use {checked.suggestion}
                      </button>
                    </>
                  )}
                </span>
              ) : (resumable && sameAsLast) || checked?.resumes ? (
                <span className="text-slate-600">Continues the existing project where the import stopped.</span>
              ) : checked?.namespace === "new" ? (
                <span className="text-slate-600" data-testid="new-group-hint">
                  New group {namespace}: it will be created, with you as Owner.
                </span>
              ) : checked?.namespace === "fallback" ? (
                <span className="text-amber-800" data-testid="fallback-hint">
                  {checked.warning}
                </span>
              ) : path !== name ? (
                <span className="text-slate-600" data-testid="derived-path">
                  Project path: {path}
                </span>
              ) : null}
            </div>
            {draft.reimportOpen && (
              <p className="rounded border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="reimport-note">
                Re-import creates a new copy and does not sync with the existing project.
              </p>
            )}
          </div>
        ) : (
          <span className="break-words text-slate-700">{status?.projectFullPath}</span>
        )}
        {error && (
          <p role="alert" data-testid="row-error" className="mt-1 text-xs text-red-700">
            {error}
          </p>
        )}
      </div>

      <div role="cell" className="min-w-0" data-testid="row-status">
        <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[status?.status ?? "none"]}`} data-testid="import-status">
          {label}
        </span>
        {progress && (
          <div className="mt-1 text-xs text-slate-600" data-testid="import-progress">
            {progress}
          </div>
        )}
        {typeCounts && (
          <div className="mt-0.5 text-xs break-words text-slate-500" data-testid="import-type-counts">
            {typeCounts}
          </div>
        )}
        {active && status && (
          <div
            role="progressbar"
            aria-label={`Import progress of ${fullName}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={status.percent}
            className="mt-1 h-1.5 w-full max-w-40 overflow-hidden rounded-full bg-slate-200"
          >
            <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${Math.max(status.percent, 3)}%` }} />
          </div>
        )}
        {status?.status === "partial" && (
          <Link href={importDetailsHref(status.projectFullPath)} className="mt-1 block text-xs font-medium text-amber-800 hover:underline" data-testid="failed-items-link">
            {formatCount(status.failedCount, "failed item")}
          </Link>
        )}
        {status?.status === "failed" && status.error && <p className="mt-1 text-xs break-words text-red-700">{status.error}</p>}
        {status?.warning && (
          <p role="note" className="mt-1 rounded border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="import-warning">
            {status.warning}
          </p>
        )}
        {status && status.status !== "partial" && (
          <Link href={importDetailsHref(status.projectFullPath)} className="mt-1 block text-xs text-brand-600 hover:underline" aria-label={`Import details of ${status.projectFullPath}`}>
            Import details
          </Link>
        )}
      </div>

      <div role="cell" ref={actionsCell} className="flex flex-row flex-wrap items-center gap-2 sm:flex-col sm:items-end sm:gap-1">
        {(!status || resumable) && (
          <button
            type="button"
            onClick={() => void startImport()}
            disabled={busy !== null || problem !== null}
            aria-label={`Import ${fullName}`}
            className={`${BUTTON} border-brand-600 bg-brand-600 text-white hover:bg-brand-700`}
          >
            {busy === "import" ? "Starting…" : "Import"}
          </button>
        )}
        {active && status?.canManage && (
          <button
            type="button"
            onClick={() => void cancel()}
            disabled={busy !== null || status.cancelRequested}
            aria-label={`Cancel import of ${fullName}`}
            className={`${BUTTON} border-slate-300 bg-white text-slate-700 hover:bg-slate-100`}
          >
            {busy === "cancel" || status.cancelRequested ? "Cancelling…" : "Cancel"}
          </button>
        )}
        {done && status?.canManage && !draft.reimportOpen && syncAvailableFor(source.id) && (
          <button
            type="button"
            onClick={() => void syncNow()}
            disabled={busy !== null}
            aria-label={`Sync ${fullName} now`}
            className={`${BUTTON} border-slate-300 bg-white text-slate-700 hover:bg-slate-100`}
          >
            {busy === "sync" ? "Starting…" : "Sync now"}
          </button>
        )}
        {done && (
          <>
            <button
              ref={reimportButton}
              type="button"
              onClick={() => void (draft.reimportOpen ? startImport() : openReimport())}
              disabled={busy !== null || (draft.reimportOpen && problem !== null)}
              aria-label={`Re-import ${fullName}`}
              aria-expanded={draft.reimportOpen}
              className={`${BUTTON} border-slate-300 bg-white text-slate-700 hover:bg-slate-100`}
            >
              {busy === "import" ? "Starting…" : "Re-import"}
            </button>
            {draft.reimportOpen && (
              <button type="button" onClick={closeReimport} aria-label={`Close re-import of ${fullName}`} className="text-xs text-slate-600 hover:text-slate-900 hover:underline">
                Close (Esc)
              </button>
            )}
          </>
        )}
        {editable && source.RowOptions && (
          <button
            type="button"
            onClick={() => setDraft({ optionsOpen: !draft.optionsOpen })}
            aria-expanded={draft.optionsOpen}
            aria-controls={`${idBase}-options`}
            aria-label={`Options for ${fullName}`}
            className="text-xs text-slate-600 hover:text-slate-900 hover:underline"
          >
            Options {draft.optionsOpen ? "▴" : "▾"}
          </button>
        )}
      </div>

      {editable && draft.optionsOpen && source.RowOptions && (
        <div role="cell" id={`${idBase}-options`} data-own-tab-stops className="mt-3 sm:col-span-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
          <source.RowOptions repository={repository} defaults={defaults} value={draft.options} onChange={(options) => setDraft({ options })} />
        </div>
      )}
    </div>
  );
});
