/**
 * Offset pages for lists read from the database, shared by the pages (`?page=`) and the API
 * (`page`, `per_page`). A page number below 1 is page 1; `perPage` is clamped to 1..100.
 */

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

export type PageRequest = { page: number; perPage: number; skip: number; take: number };

export type Paged<T> = { items: T[]; total: number; page: number; perPage: number; pageCount: number };

export function pageRequest(options: { page?: number; perPage?: number } = {}): PageRequest {
  const page = options.page !== undefined && options.page >= 1 ? options.page : 1;
  const requested = options.perPage;
  const perPage = requested === undefined || requested < 1 ? DEFAULT_PER_PAGE : Math.min(requested, MAX_PER_PAGE);
  return { page, perPage, skip: (page - 1) * perPage, take: perPage };
}

export type PageOptions = { page?: number; perPage?: number | "all" };

/** One page of rows and the total they are a page of, read at the same time; `perPage: "all"` reads every row as one page. */
export async function loadPage<T>(
  options: PageOptions,
  rows: (range: { skip?: number; take?: number }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Paged<T>> {
  if (options.perPage === "all") {
    const items = await rows({});
    return { items, total: items.length, page: 1, perPage: items.length, pageCount: 1 };
  }
  const request = pageRequest({ page: options.page, perPage: options.perPage });
  const [items, total] = await Promise.all([rows({ skip: request.skip, take: request.take }), count()]);
  return { items, total, page: request.page, perPage: request.perPage, pageCount: Math.max(1, Math.ceil(total / request.perPage)) };
}

/** A page number from `?page=`: a positive integer, else 1. */
export function parsePage(value: string | string[] | undefined): number {
  const raw = Array.isArray(value) ? value[0] : value;
  const page = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return page >= 1 ? page : 1;
}

/** The first value of a repeated URL parameter. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Row counts per state plus `all`, from a `groupBy(["state"])` result. */
export function countByState<State extends string>(states: readonly State[], groups: readonly { state: State; _count: { _all: number } }[]): Record<State | "all", number> {
  const counts = Object.fromEntries([...states, "all"].map((state) => [state, 0])) as Record<State | "all", number>;
  for (const group of groups) {
    counts[group.state] += group._count._all;
    counts.all += group._count._all;
  }
  return counts;
}
