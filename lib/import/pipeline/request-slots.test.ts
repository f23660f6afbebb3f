import { describe, expect, it } from "vitest";
import { createRequestSlots } from "./request-slots";

describe("request slots", () => {
  it("never runs more than the limit, even when newcomers arrive as a slot is handed over", async () => {
    const slots = createRequestSlots(2);
    let running = 0;
    let peak = 0;
    const work = () =>
      slots(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        // A newcomer arrives in the same tick as this slot is released.
        if (Math.random() < 0.5) void work();
      });
    await Promise.all(Array.from({ length: 40 }, work));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peak).toBe(2);
  });

  it("serves waiting work first come, first served, and frees the slot of failed work", async () => {
    const slots = createRequestSlots(1);
    const order: number[] = [];
    const failing = slots(async () => {
      throw new Error("boom");
    });
    const later = [1, 2, 3].map((n) => slots(async () => void order.push(n)));
    await expect(failing).rejects.toThrow("boom");
    await Promise.all(later);
    expect(order).toEqual([1, 2, 3]);
  });

  it("counts the slot time used", async () => {
    let clock = 0;
    const slots = createRequestSlots(2, () => clock);
    let finish!: () => void;
    const first = slots(() => new Promise<void>((resolve) => (finish = resolve)));
    clock = 100;
    const second = slots(async () => {
      clock = 150;
    });
    await second;
    clock = 300;
    finish();
    await first;
    // The first held a slot from 0 to 300, the second from 100 to 150.
    expect(slots.busyMs()).toBe(350);
  });
});
