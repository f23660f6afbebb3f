import { describe, expect, it } from "vitest";
import { FailureLog } from "./failure-log";

describe("FailureLog", () => {
  it("keeps failures within the window only", () => {
    const log = new FailureLog({ windowMs: 1000, maxKeys: 10, maxPerKey: 5 });
    log.record("a", 0);
    log.record("a", 500);
    expect(log.recent("a", 900)).toEqual([0, 500]);
    expect(log.recent("a", 1200)).toEqual([500]);
    expect(log.recent("a", 2000)).toEqual([]);
    expect(log.size).toBe(0);
  });

  it("holds at most maxKeys keys, forgetting the least recently failed first, and maxPerKey failures per key", () => {
    const log = new FailureLog({ windowMs: 60_000, maxKeys: 3, maxPerKey: 2 });
    for (const [at, key] of ["a", "b", "c", "a", "d", "e"].entries()) log.record(key, at);
    expect(log.size).toBe(3);
    expect(log.recent("b", 10)).toEqual([]);
    expect(log.recent("c", 10)).toEqual([]);
    expect(log.recent("a", 10)).toEqual([0, 3]);
    for (let at = 10; at < 20; at++) log.record("e", at);
    expect(log.recent("e", 20)).toEqual([18, 19]);
  });
});
