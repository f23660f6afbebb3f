import { z } from "zod";
import { config } from "@/lib/config";
import { pageRequest, type PageRequest, type Paged } from "@/lib/db/paging";
import { apiInt } from "./params";
import { apiResponse } from "./route";

/**
 * GitLab's offset pagination: `page` (from 1) and `per_page` (default 20, at most 100) in, and
 * `X-Total`, `X-Total-Pages`, `X-Page`, `X-Per-Page`, `X-Next-Page`, `X-Prev-Page` and a `Link`
 * header (first, prev, next, last) out. Out-of-range values are clamped as GitLab does.
 *
 *   query: z.object({ ...paginationQuery, state: … })
 *   const issues = await listIssues(project.id, { state: query.state, ...pageOptions(query) });
 *   return paginatedList(request, issues, (rows) => rows.map((issue) => serializeIssue(issue, project)));
 */

export const paginationQuery = {
  page: apiInt().optional(),
  per_page: apiInt().optional(),
};

/** `page` and `per_page` as the read models take them. */
export function pageOptions(query: { page?: number; per_page?: number }): { page?: number; perPage?: number } {
  return { page: query.page, perPage: query.per_page };
}

export function pageOf(query: { page?: number; per_page?: number }): PageRequest {
  return pageRequest(pageOptions(query));
}

/** The public URL of this request (behind a proxy, Ferry's NEXTAUTH_URL origin), with `page` set. */
function pageUrl(request: Request, page: number, perPage: number): string {
  const url = new URL(request.url);
  const publicUrl = new URL(url.pathname + url.search, config().NEXTAUTH_URL);
  publicUrl.searchParams.set("page", String(page));
  publicUrl.searchParams.set("per_page", String(perPage));
  return publicUrl.href;
}

export function paginationHeaders(request: Request, page: PageRequest, total: number): Record<string, string> {
  const totalPages = Math.max(1, Math.ceil(total / page.perPage));
  const next = page.page < totalPages ? page.page + 1 : null;
  const prev = page.page > 1 ? Math.min(page.page - 1, totalPages) : null;
  const links = [
    prev !== null ? `<${pageUrl(request, prev, page.perPage)}>; rel="prev"` : null,
    next !== null ? `<${pageUrl(request, next, page.perPage)}>; rel="next"` : null,
    `<${pageUrl(request, 1, page.perPage)}>; rel="first"`,
    `<${pageUrl(request, totalPages, page.perPage)}>; rel="last"`,
  ].filter((link): link is string => link !== null);
  return {
    "x-total": String(total),
    "x-total-pages": String(totalPages),
    "x-page": String(page.page),
    "x-per-page": String(page.perPage),
    "x-next-page": next === null ? "" : String(next),
    "x-prev-page": prev === null ? "" : String(prev),
    link: links.join(", "),
  };
}

export function paginatedResponse(request: Request, items: unknown[], page: PageRequest, total: number): Response {
  return apiResponse(items, { headers: paginationHeaders(request, page, total) });
}

/** A page a read model loaded, its rows serialized. */
export async function paginatedList<T>(request: Request, paged: Paged<T>, serialize: (items: T[]) => unknown[] | Promise<unknown[]>): Promise<Response> {
  return paginatedResponse(request, await serialize(paged.items), pageRequest(paged), paged.total);
}

/** Paginates a list already in memory (git refs, wiki pages). */
export function paginateArray<T>(request: Request, items: readonly T[], query: { page?: number; per_page?: number }, serialize: (item: T) => unknown = (item) => item): Response {
  const page = pageOf(query);
  return paginatedResponse(request, items.slice(page.skip, page.skip + page.take).map(serialize), page, items.length);
}

export const paginationSchema = z.object(paginationQuery);
