"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ImportableNamespace } from "@/lib/namespaces/importable";
import type { BatchSummary, RowImportStatus } from "@/lib/import/status";
import { ImportAll } from "./import-all";
import { ROW_GRID, RepositoryRow } from "./repository-row";
import { RepositoryTableSkeleton } from "./repository-table-skeleton";
import { RowStore, type StatusTransition } from "./row-store";
import type { PickerDefaults, PickerSource } from "./source";
import { StatusPoller, type BatchState } from "./status-poller";
import { formatCount, statusLabel } from "./status-text";
import { useDebouncedValue } from "./use-debounced-value";
import { useRepositoryListing, type ApiError } from "./use-repository-listing";

const ESTIMATED_ROW_HEIGHT = 84;
const NO_PARAMS: Record<string, string> = {};
/** Rows kept rendered above and below the window, so Tab reaches the next rows before they are needed. */
const OVERSCAN = 8;

/** The import picker of one source (see ./source.ts for how a source plugs in). */
export function RepositoryTable({
  source,
  personalNamespace,
  namespaces,
  defaults,
}: {
  source: PickerSource;
  personalNamespace: string;
  namespaces: ImportableNamespace[];
  defaults: PickerDefaults;
}) {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlFilter = searchParams.get("filter") ?? "";
  const [filterInput, setFilterInput] = useState(urlFilter);
  const debouncedFilter = useDebouncedValue(filterInput.trim(), 250);
  const filterField = useRef<HTMLInputElement>(null);

  // Text typed before the page became interactive is in the DOM but not in state: keep it.
  useEffect(() => {
    const typed = filterField.current?.value;
    if (typed !== undefined && typed !== urlFilter) setFilterInput(typed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on hydration
  }, []);

  // Keep the filter in the URL (shareable, survives reloads) once typing settles. The native history
  // API updates useSearchParams without asking the server to render the page again.
  useEffect(() => {
    if (debouncedFilter === urlFilter) return;
    const params = new URLSearchParams(searchParams.toString());
    if (debouncedFilter) params.set("filter", debouncedFilter);
    else params.delete("filter");
    const query = params.toString();
    window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
  }, [debouncedFilter, urlFilter, pathname, searchParams]);

  const [store] = useState(() => new RowStore());
  const onImports = useCallback((imports: Record<string, RowImportStatus>) => store.setStatuses(imports, { announce: false }), [store]);
  const [filterParams, setFilterParams] = useState<Record<string, string>>({});
  const matches = source.filtersLocally;
  const listing = useRepositoryListing(source.listingPath, matches ? "" : urlFilter, matches ? NO_PARAMS : filterParams, onImports);
  const { workspaces, problems, cursor, loading, initial, stale, error, loadMore, retry } = listing;
  // A source that filters in the browser filters what has arrived, as the filter changes.
  const localFilter = matches ? debouncedFilter : urlFilter;
  const repositories = useMemo(
    () => (matches ? listing.repositories.filter((repository) => matches(repository, localFilter, filterParams)) : listing.repositories),
    [matches, listing.repositories, localFilter, filterParams],
  );

  const [batch, setBatch] = useState<BatchState | null>(null);
  const onBatch = useCallback((summary: BatchSummary) => setBatch((current) => (current ? { ...current, summary } : current)), []);

  const announcement = useAnnouncements(store);

  const listRef = useRef<HTMLDivElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  // Where the list starts on the page moves when notices above it come and go.
  useLayoutEffect(() => {
    const top = listRef.current ? listRef.current.getBoundingClientRect().top + window.scrollY : 0;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });

  const virtualizer = useWindowVirtualizer({
    count: repositories.length,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin,
    getItemKey: (index) => repositories[index]!.uuid,
  });
  const items = virtualizer.getVirtualItems();
  const onScreen = useMemo(() => items.map((item) => repositories[item.index]!.fullName), [items, repositories]);

  // The next step loads as the end of the list comes into view.
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (cursor && !loading && !error && lastIndex >= repositories.length - OVERSCAN * 2) loadMore();
  }, [cursor, loading, error, lastIndex, repositories.length, loadMore]);

  // Counts what the list holds: the groups its rows come from, not every group the user belongs to.
  const summary = useMemo(() => {
    if (initial || error) return "";
    if (stale) return "loading…";
    const groups = new Set(repositories.map((repository) => repository.workspace)).size;
    const parts = repositories.length > 0 ? [`${formatCount(repositories.length, "repository", "repositories")} from ${formatCount(groups, source.groupNoun.singular, source.groupNoun.plural)}`] : [];
    if (loading) parts.push("loading…");
    else if (cursor) parts.push("more to load");
    return parts.join(", ");
  }, [initial, error, stale, repositories, loading, cursor, source.groupNoun]);

  return (
    <div className="mt-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex w-full max-w-sm flex-col gap-1">
          <label className="flex flex-col gap-1 text-sm">
            <span className="sr-only">{source.filterLabel}</span>
            <input
              ref={filterField}
              type="search"
              value={filterInput}
              onChange={(event) => setFilterInput(event.target.value)}
              placeholder={source.filterLabel}
              aria-label={source.filterLabel}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
            />
          </label>
          {source.FilterControls && <source.FilterControls values={filterParams} onChange={setFilterParams} groups={workspaces} />}
          <p className="text-sm text-slate-600" aria-live="polite" data-testid="listing-summary">
            {summary}
          </p>
        </div>
        <ImportAll actions={source.actions} filter={localFilter} params={filterParams} personalNamespace={personalNamespace} store={store} batch={batch} onStarted={setBatch} disabled={initial || Boolean(error)} />
      </div>

      {error && <ListingErrorMessage source={source} error={error} onRetry={retry} />}

      {problems.length > 0 && (
        <div className="mt-4 flex flex-wrap items-start justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="listing-problems">
          <ul className="min-w-0 space-y-1">
            {problems.map((problem) => (
              <li key={problem.workspace} className="break-words">
                {capitalized(source.groupNoun.singular)} <strong>{problem.workspace}</strong> could not be listed: {problem.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={retry} disabled={loading} className="rounded-md border border-amber-300 bg-white px-3 py-1.5 hover:bg-amber-100 disabled:opacity-60">
            Try again
          </button>
        </div>
      )}

      <datalist id="import-target-namespaces">
        {namespaces.map((namespace) => (
          <option key={namespace.fullPath} value={namespace.fullPath}>
            {namespace.kind === "user" ? "Your personal namespace" : "Group"}
          </option>
        ))}
      </datalist>

      <p id="repository-table-keys" className="sr-only">
        Tab moves from row to row; the Left and Right arrow keys move between a row&apos;s controls.
      </p>
      {initial && !error ? (
        <RepositoryTableSkeleton />
      ) : repositories.length === 0 && !error && !loading ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
          {localFilter ? `No repositories match “${localFilter}”.` : matches && Object.values(filterParams).some(Boolean) ? "No repositories match these filters." : `No repositories found in your ${source.name} ${source.groupNoun.plural}.`}
        </p>
      ) : repositories.length > 0 ? (
        <div
          role="table"
          aria-label={`${source.name} repositories`}
          aria-describedby="repository-table-keys"
          aria-rowcount={repositories.length + 1}
          aria-busy={stale || undefined}
          className={`mt-4 rounded-lg border border-slate-200 bg-white shadow-sm transition-opacity ${stale ? "opacity-60" : ""}`}
          data-testid="repository-table"
        >
          <div role="rowgroup">
            <div role="row" aria-rowindex={1} className={`${ROW_GRID} max-sm:sr-only rounded-t-lg bg-slate-50 px-4 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase`}>
              <div role="columnheader">From {source.name}</div>
              <div role="columnheader">To</div>
              <div role="columnheader">Status</div>
              <div role="columnheader" className="text-right">
                <span className="sr-only">Actions</span>
              </div>
            </div>
          </div>
          <div role="rowgroup" ref={listRef} style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {items.map((item) => (
              <RepositoryRow
                key={item.key}
                repository={repositories[item.index]!}
                source={source}
                defaults={defaults}
                store={store}
                personalNamespace={personalNamespace}
                datalistId="import-target-namespaces"
                index={item.index}
                measureRef={virtualizer.measureElement}
                style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              />
            ))}
          </div>
        </div>
      ) : null}

      {cursor && !error && (
        <div className="mt-4 flex justify-center">
          <button
            type="button"
            onClick={loadMore}
            disabled={loading}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-slate-700 hover:bg-slate-100 disabled:opacity-60"
          >
            {loading ? "Loading more…" : "Load more repositories"}
          </button>
        </div>
      )}

      <StatusPoller source={source} store={store} onScreen={onScreen} batch={batch} onBatch={onBatch} />
      <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="status-announcer">
        {announcement}
      </div>
    </div>
  );
}

/** Status changes, said politely: one message per update, summarised when many rows change at once. */
function useAnnouncements(store: RowStore): string {
  const [message, setMessage] = useState("");
  useEffect(
    () =>
      store.onTransitions((transitions: StatusTransition[]) => {
        const described = transitions.map((transition) => `${transition.repository}: ${statusLabel(transition.to)}`);
        setMessage(described.length <= 3 ? described.join(". ") : `${described.slice(0, 2).join(". ")}, and ${described.length - 2} more imports changed status.`);
      }),
    [store],
  );
  return message;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function ListingErrorMessage({ source, error, onRetry }: { source: PickerSource; error: ApiError; onRetry: () => void }) {
  const reconnect = source.connection.codes.has(error.code);
  // Never connected is not a failure: an invitation to connect, not a red alert to reconnect.
  const firstConnection = error.code === source.connection.notConnectedCode;
  if (firstConnection) {
    return (
      <div role="status" data-testid="listing-error" className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-md border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-slate-800">
        <span>{error.message}</span>
        <button type="button" onClick={source.connection.connect} className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
          Connect {source.name}
        </button>
      </div>
    );
  }
  return (
    <div role="alert" data-testid="listing-error" className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <span>{error.message}</span>
      {reconnect ? (
        <button
          type="button"
          onClick={source.connection.connect}
          className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700"
        >
          Reconnect {source.name}
        </button>
      ) : (
        <button type="button" onClick={onRetry} className="rounded-md border border-red-300 bg-white px-3 py-1.5 hover:bg-red-100">
          Try again
        </button>
      )}
    </div>
  );
}
