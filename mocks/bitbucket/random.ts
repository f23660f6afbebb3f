/**
 * Small deterministic helpers: the sandbox must produce the same data (and the same
 * injected faults, given a seed) on every run, so nothing here uses Math.random.
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

/** A UUID-shaped (version 4 layout) string derived from a name, without braces. */
export function uuidFromName(name: string): string {
  const rng = createRng(`uuid:${name}`);
  const hex = (count: number) =>
    Array.from({ length: count }, () => Math.floor(rng() * 16).toString(16)).join("");
  const variant = "89ab"[Math.floor(rng() * 4)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** Bitbucket's timestamp format: microseconds and an explicit +00:00 offset. */
export function bitbucketTimestamp(ms: number, micros = 0): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const fraction = `${iso.slice(20, 23)}${String(micros % 1000).padStart(3, "0")}`;
  return `${iso.slice(0, 19)}.${fraction}+00:00`;
}
