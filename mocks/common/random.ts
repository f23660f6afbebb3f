/**
 * Small deterministic helpers: a sandbox must produce the same data (and the same injected
 * faults, given a seed) on every run, so nothing here uses Math.random.
 */

/** 32-bit FNV-1a hash of a string. */
export function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export type Rng = () => number;

export function createRng(seed: number | string): Rng {
  let state = (typeof seed === "string" ? hashString(seed) : seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick() from an empty list");
  return item;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/**
 * Injected faults from a seeded sequence: every draw consumes one number per ratio, so the
 * sequence of outcomes depends only on the seed, whatever the ratios.
 */
export class FaultDice {
  private rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  reseed(seed: number): void {
    this.rng = createRng(seed);
  }

  /** The index of the first ratio that hit, or -1. */
  draw(ratios: readonly number[]): number {
    let hit = -1;
    for (let i = 0; i < ratios.length; i++) if (this.rng() < ratios[i]! && hit === -1) hit = i;
    return hit;
  }
}

/** A sandbox's knobs with a fault `seed`: validated updates, and a new seed restarts the fault sequence. */
export class SeededKnobs<K extends { seed: number }> {
  private readonly dice = new FaultDice(1);
  private current!: K;

  constructor(
    private readonly parse: (value: unknown) => K,
    private readonly parsePatch: (patch: unknown) => Partial<K>,
  ) {}

  get values(): K {
    return this.current;
  }

  /** Back to `initial` (validated), the fault sequence restarted from its seed. */
  reset(initial: unknown): void {
    this.current = this.parse(initial);
    this.dice.reseed(this.current.seed);
  }

  update(patch: unknown): K {
    const parsed = this.parsePatch(patch);
    this.current = { ...this.current, ...parsed };
    if (parsed.seed !== undefined) this.dice.reseed(parsed.seed);
    return this.current;
  }

  /** The first of `faults` whose ratio hit in this draw, or null. */
  drawFault<F>(faults: readonly (readonly [F, number])[]): F | null {
    const hit = this.dice.draw(faults.map(([, ratio]) => ratio));
    return hit === -1 ? null : faults[hit]![0];
  }
}
