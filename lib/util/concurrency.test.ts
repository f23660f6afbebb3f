import { describe, expect, it } from "vitest";
import { createLimiter, mapWithLimit } from "./concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("concurrency helpers", () => {
  it("mapWithLimit keeps order and never exceeds the limit", async () => {
    let active = 0;
    let peak = 0;
    const results = await mapWithLimit([1, 2, 3, 4, 5, 6, 7], 3, async (value) => {
      peak = Math.max(peak, ++active);
      await tick();
      active--;
      return value * 2;
    });
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it("createLimiter admits at most `limit` at once, across callers, and frees slots on errors", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const work = (fail: boolean) =>
      limit(async () => {
        peak = Math.max(peak, ++active);
        await tick();
        active--;
        if (fail) throw new Error("boom");
        return "ok";
      });
    const outcomes = await Promise.allSettled([work(false), work(true), work(false), work(true), work(false)]);
    expect(peak).toBe(2);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
  });
});
