"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ImportableRepository, RepositoryListingPage } from "@/lib/import/repository-listing";
import { ImportButton } from "./import-button";
import { RepositoryTableSkeleton } from "./repository-table-skeleton";
import { useDebouncedValue } from "./use-debounced-value";

type ApiError = { code: string; message: string; requestId?: string };

class ListingError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

async function fetchPage(filter: string, cursor: string | null): Promise<RepositoryListingPage> {
  const params = new URLSearchParams();
  if (filter) params.set("filter", filter);
  if (cursor) params.set("cursor", cursor);
  let response: Response;
  try {
    response = await fetch(`/import/bitbucket/repositories?${params}`, { headers: { accept: "application/json" } });
  } catch {
    throw new ListingError({ code: "ferry_unreachable", message: "Ferry could not be reached. Check your connection." });
  }
  const body = (await response.json().catch(() => null)) as (RepositoryListingPage & { error?: ApiError }) | null;
  if (!response.ok || !body || body.error) {
    throw new ListingError(body?.error ?? { code: "internal_error", message: `Unexpected response (${response.status}).` });
  }
  return body;
}

const RECONNECT_CODES = new Set(["bitbucket_reconnect_required", "bitbucket_not_connected", "bitbucket_forbidden"]);

export function RepositoryTable({ personalNamespace }: { personalNamespace: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlFilter = searchParams.get("filter") ?? "";
  const [filterInput, setFilterInput] = useState(urlFilter);
  const debouncedFilter = useDebouncedValue(filterInput.trim(), 350);
  const filterField = useRef<HTMLInputElement>(null);

  // Text typed before the page became interactive is in the DOM but not in state: keep it.
  useEffect(() => {
    const typed = filterField.current?.value;
    if (typed !== undefined && typed !== urlFilter) setFilterInput(typed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on hydration
  }, []);

  // Keep the filter in the URL (shareable, survives reloads) once typing settles.
  useEffect(() => {
    if (debouncedFilter === urlFilter) return;
    const params = new URLSearchParams(searchParams.toString());
    if (debouncedFilter) params.set("filter", debouncedFilter);
    else params.delete("filter");
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }, [debouncedFilter, urlFilter, pathname, router, searchParams]);

  const listing = useInfiniteQuery({
    queryKey: ["bitbucket-repositories", urlFilter],
    queryFn: ({ pageParam }) => fetchPage(urlFilter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.cursor,
    // Keep the rows on screen while a new filter loads, so their state (an import just started) survives.
    placeholderData: keepPreviousData,
  });

  const repositories = useMemo(() => listing.data?.pages.flatMap((page) => page.repositories) ?? [], [listing.data]);
  const workspaces = listing.data?.pages[0]?.workspaces ?? [];
  const problems = listing.data?.pages.flatMap((page) => page.problems) ?? [];

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = listing;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const error = listing.error instanceof ListingError ? listing.error.error : listing.error ? { code: "internal_error", message: "Something went wrong." } : null;

  return (
    <div className="mt-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <label className="flex w-full max-w-sm flex-col gap-1 text-sm">
          <span className="sr-only">Filter by name</span>
          <input
            ref={filterField}
            type="search"
            value={filterInput}
            onChange={(event) => setFilterInput(event.target.value)}
            placeholder="Filter by name"
            aria-label="Filter by name"
            className="rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
          />
        </label>
        <p className="text-sm text-slate-600" aria-live="polite" data-testid="listing-summary">
          {listing.isSuccess &&
            `${repositories.length} ${repositories.length === 1 ? "repository" : "repositories"} from ${workspaces.length} ${workspaces.length === 1 ? "workspace" : "workspaces"}${hasNextPage ? ", more to load" : ""}`}
        </p>
      </div>

      {error && <ListingErrorMessage error={error} onRetry={() => void listing.refetch()} />}

      {problems.length > 0 && (
        <ul className="mt-4 space-y-1 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
          {problems.map((problem) => (
            <li key={problem.workspace}>
              Workspace <strong>{problem.workspace}</strong> could not be listed: {problem.message}
            </li>
          ))}
        </ul>
      )}

      {listing.isPending ? (
        <RepositoryTableSkeleton />
      ) : repositories.length === 0 && !error ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
          {urlFilter ? `No repositories match “${urlFilter}”.` : "No repositories found in your Bitbucket workspaces."}
        </p>
      ) : repositories.length > 0 ? (
        <RepositoryRows repositories={repositories} personalNamespace={personalNamespace} />
      ) : null}

      {hasNextPage && (
        <div ref={sentinel} className="mt-4 flex justify-center">
          <button
            type="button"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-slate-700 hover:bg-slate-100 disabled:opacity-60"
          >
            {isFetchingNextPage ? "Loading more…" : "Load more repositories"}
          </button>
        </div>
      )}
    </div>
  );
}

function ListingErrorMessage({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const reconnect = RECONNECT_CODES.has(error.code);
  return (
    <div role="alert" data-testid="listing-error" className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <span>{error.message}</span>
      {reconnect ? (
        <button
          type="button"
          onClick={() => signIn("bitbucket", { callbackUrl: window.location.pathname + window.location.search })}
          className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700"
        >
          Reconnect Bitbucket
        </button>
      ) : (
        <button type="button" onClick={onRetry} className="rounded-md border border-red-300 bg-white px-3 py-1.5 hover:bg-red-100">
          Try again
        </button>
      )}
    </div>
  );
}

function RepositoryRows({ repositories, personalNamespace }: { repositories: ImportableRepository[]; personalNamespace: string }) {
  return (
    <div className="mt-4 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">From Bitbucket</th>
            <th scope="col" className="px-4 py-2 font-medium">To</th>
            <th scope="col" className="px-4 py-2 font-medium">Status</th>
            <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {repositories.map((repository) => (
            <tr key={repository.uuid} className="border-t border-slate-100" data-testid="repository-row" data-full-name={repository.fullName}>
              <td className="px-4 py-2">
                <a href={repository.htmlUrl} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-600 hover:underline">
                  {repository.fullName}
                </a>
                {repository.isPrivate && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">Private</span>}
                {repository.name !== repository.slug && <div className="text-xs text-slate-500">{repository.name}</div>}
              </td>
              <td className="px-4 py-2 text-slate-500">
                {personalNamespace}/{repository.slug}
              </td>
              <td className="px-4 py-2 text-slate-600">Not started</td>
              <td className="px-4 py-2 text-right">
                <ImportButton repository={repository.fullName} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
