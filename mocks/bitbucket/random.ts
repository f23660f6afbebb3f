/** Bitbucket-shaped deterministic ids and timestamps (the generic helpers live in ../common/random). */

export { hashString, createRng, pick, intBetween, type Rng } from "../common/random";
import { createRng } from "../common/random";

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
