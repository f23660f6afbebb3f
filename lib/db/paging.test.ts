import { describe, expect, it } from "vitest";
import { countByState, loadPage, pageRequest, parsePage } from "./paging";

describe("pages", () => {
  it("parses ?page= with a safe default", () => {
    expect(parsePage("3")).toBe(3);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("-2")).toBe(1);
    expect(parsePage("1e9")).toBe(1);
    expect(parsePage(undefined)).toBe(1);
  });

  it("clamps the page to 1 and the page size to 1..100, 20 by default", () => {
    expect(pageRequest({})).toEqual({ page: 1, perPage: 20, skip: 0, take: 20 });
    expect(pageRequest({ page: 3, perPage: 10 })).toEqual({ page: 3, perPage: 10, skip: 20, take: 10 });
    expect(pageRequest({ page: 0, perPage: 1000 })).toEqual({ page: 1, perPage: 100, skip: 0, take: 100 });
  });

  it("loads one page and its total, or every row as one page", async () => {
    const rows = Array.from({ length: 45 }, (_, index) => index);
    const read = async (range: { skip?: number; take?: number }) => rows.slice(range.skip ?? 0, range.take === undefined ? undefined : (range.skip ?? 0) + range.take);
    expect(await loadPage({ page: 3 }, read, async () => rows.length)).toEqual({ items: [40, 41, 42, 43, 44], total: 45, page: 3, perPage: 20, pageCount: 3 });
    const all = await loadPage({ perPage: "all" }, read, async () => -1);
    expect(all).toMatchObject({ total: 45, page: 1, pageCount: 1 });
    expect(all.items).toHaveLength(45);
  });

  it("counts rows per state and in all", () => {
    expect(countByState(["opened", "merged", "closed"], [{ state: "merged", _count: { _all: 2 } }, { state: "opened", _count: { _all: 3 } }])).toEqual({ opened: 3, merged: 2, closed: 0, all: 5 });
  });
});
