import { useCallback, useEffect, useRef, useState } from "react";
import type { ListingProblem, ListingStreamEvent, PickerRepository } from "@/lib/import/listing-stream";
import type { RowImportStatus } from "@/lib/import/status";

export type ApiError = { code: string; message: string; requestId?: string };

export type ListingState = {
  repositories: PickerRepository[];
  workspaces: string[];
  problems: ListingProblem[];
  /** The next step's cursor; null when every workspace has been read to the end. */
  cursor: string | null;
  /** A step is being read (the first one, or "load more"). */
  loading: boolean;
  /** Nothing has arrived yet for this filter. */
  initial: boolean;
  /** The rows shown are those of the previous filter, kept on screen until the new filter's first rows arrive. */
  stale: boolean;
  error: ApiError | null;
};

const INITIAL: ListingState = { repositories: [], workspaces: [], problems: [], cursor: null, loading: true, initial: true, stale: false, error: null };

/** The list's one order, whatever order pages arrive in: by workspace (or organization…), then by slug. */
export function compareRepositories(a: PickerRepository, b: PickerRepository): number {
  return a.workspace.localeCompare(b.workspace, "en", { sensitivity: "base" }) || a.slug.localeCompare(b.slug, "en", { sensitivity: "base" }) || a.fullName.localeCompare(b.fullName);
}

/** Merges sorted arrays in linear time (a page of rows into thousands already shown). */
function mergeSorted(current: PickerRepository[], added: PickerRepository[]): PickerRepository[] {
  const incoming = [...added].sort(compareRepositories);
  if (current.length === 0) return incoming;
  const merged: PickerRepository[] = [];
  let i = 0;
  let j = 0;
  while (i < current.length && j < incoming.length) merged.push(compareRepositories(current[i]!, incoming[j]!) <= 0 ? current[i++]! : incoming[j++]!);
  while (i < current.length) merged.push(current[i++]!);
  while (j < incoming.length) merged.push(incoming[j++]!);
  return merged;
}

/** Rows arriving within this window are rendered together, so a fast stream does not re-render per chunk. */
const FLUSH_MS = 60;

async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) yield line;
    }
  }
  if (buffer.trim()) yield buffer;
}

/**
 * The repositories of every group (workspace, organization…) of a source, for a filter: each step
 * (page) is streamed group by group, so the first rows show as soon as the first group answers.
 */
export function useRepositoryListing(
  listingPath: string,
  filter: string,
  params: Record<string, string>,
  onImports: (imports: Record<string, RowImportStatus>) => void,
) {
  const [state, setState] = useState<ListingState>(INITIAL);
  // Compared by value: a new object with the same filters must not restart the listing.
  const paramsKey = Object.keys(params).length > 0 ? JSON.stringify(params) : "";
  const [attempt, setAttempt] = useState(0);
  const abortRef = useRef<AbortController | null>(null);
  const onImportsRef = useRef(onImports);
  onImportsRef.current = onImports;
  const stateRef = useRef(state);
  stateRef.current = state;

  const readStep = useCallback(async (cursor: string | null, signal: AbortSignal) => {
    const query = new URLSearchParams(paramsKey ? (JSON.parse(paramsKey) as Record<string, string>) : {});
    if (filter) query.set("filter", filter);
    if (cursor) query.set("cursor", cursor);
    const fail = (error: ApiError) => {
      if (!signal.aborted) setState((current) => ({ ...current, ...(current.stale ? { repositories: [], stale: false } : {}), loading: false, initial: false, error }));
    };

    let response: Response;
    try {
      response = await fetch(`${listingPath}?${query}`, { headers: { accept: "application/x-ndjson" }, signal });
    } catch {
      return fail({ code: "ferry_unreachable", message: "Ferry could not be reached. Check your connection." });
    }
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => null)) as { error?: ApiError } | null;
      return fail(body?.error ?? { code: "internal_error", message: `Unexpected response (${response.status}).` });
    }

    let pending: PickerRepository[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      if (pending.length === 0 || signal.aborted) return;
      const rows = pending;
      pending = [];
      setState((current) => ({ ...current, initial: false, stale: false, repositories: mergeSorted(current.stale ? [] : current.repositories, rows) }));
    };
    let ended = false;
    try {
      for await (const line of readLines(response.body)) {
        if (signal.aborted) return;
        const event = JSON.parse(line) as ListingStreamEvent;
        switch (event.type) {
          case "workspaces":
            setState((current) => ({ ...current, workspaces: event.workspaces }));
            break;
          case "repositories":
            onImportsRef.current(event.imports);
            pending.push(...event.repositories);
            // The first rows go out at once; later ones are gathered briefly.
            if ((stateRef.current.initial || stateRef.current.stale) && !timer) flush();
            else timer ??= setTimeout(flush, FLUSH_MS);
            break;
          case "problem":
            setState((current) => ({ ...current, problems: [...current.problems, { workspace: event.workspace, message: event.message }] }));
            break;
          case "error":
            if (timer) clearTimeout(timer);
            flush();
            return fail(event.error);
          case "end":
            ended = true;
            if (timer) clearTimeout(timer);
            flush();
            setState((current) => ({ ...current, ...(current.stale ? { repositories: [], stale: false } : {}), cursor: event.cursor, loading: false, initial: false }));
            break;
        }
      }
    } catch {
      if (signal.aborted) return;
    }
    if (timer) clearTimeout(timer);
    flush();
    if (!ended) fail({ code: "listing_interrupted", message: "The list of repositories was interrupted. Try again." });
  }, [listingPath, filter, paramsKey]);

  useEffect(() => {
    const controller = new AbortController();
    abortRef.current?.abort();
    abortRef.current = controller;
    // Rows already shown stay (dimmed) while the new filter loads, instead of turning back into skeletons.
    setState((current) => (current.repositories.length > 0 && !current.stale ? { ...INITIAL, repositories: current.repositories, initial: false, stale: true } : { ...INITIAL, repositories: current.stale ? current.repositories : [], initial: !current.stale, stale: current.stale }));
    void readStep(null, controller.signal);
    return () => controller.abort();
  }, [readStep, attempt]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.loading || !current.cursor || current.error) return;
    setState((value) => ({ ...value, loading: true }));
    void readStep(current.cursor, abortRef.current!.signal);
  }, [readStep]);

  // From the start: a step that broke off may have delivered part of its rows already.
  const retry = useCallback(() => setAttempt((value) => value + 1), []);

  return { ...state, loadMore, retry };
}
