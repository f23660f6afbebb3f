/**
 * Building blocks of generated repository content shared by the sandboxes: git plans with
 * sequential marks, deterministic bytes, LFS objects and their pointer files, and a small LRU
 * for records generated on demand.
 */
import { createHash } from "node:crypto";
import { hashGitPlan, type CommitPlan, type GitPlan, type HashedGitPlan, type TagPlan } from "./git-objects";

export interface LfsObject {
  /** sha256 of the content, hex. */
  readonly oid: string;
  readonly size: number;
  /** Where the pointer file is committed. */
  readonly path: string;
  bytes(): Buffer;
}

export function lfsPointer(oid: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;
}

/** A small bounded cache for lazily generated records (bench scale). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get(key: K, create: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = create();
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
    return value;
  }
}

/** Builds plans with sequential marks. */
export class PlanBuilder {
  readonly commits: CommitPlan[] = [];
  private next: number;

  constructor(firstMark = 1) {
    this.next = firstMark;
  }

  add(commit: Omit<CommitPlan, "mark">): number {
    const mark = this.next++;
    this.commits.push({ ...commit, mark });
    return mark;
  }

  /** The file contents a branch ended with, for merge/squash commits: later commits win. */
  filesOf(marks: readonly number[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const mark of marks) Object.assign(files, this.commits.find((commit) => commit.mark === mark)!.files);
    return files;
  }

  plan(branches: Record<string, number>, tags: TagPlan[], head: string, base: readonly CommitPlan[] = [], refs: Record<string, number> = {}): HashedGitPlan {
    const plan: GitPlan = { commits: [...base, ...this.commits], branches, tags, head, refs };
    return hashGitPlan(plan);
  }
}

/** Deterministic pseudo-random bytes (an LFS object's content); `header` is put first. */
export function generatedBytes(seed: string, size: number, header: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(size);
  // xorshift128 seeded from sha256(seed): fast and the same everywhere.
  const init = createHash("sha256").update(seed).digest();
  let [a, b, c, d] = [init.readUInt32LE(0) | 1, init.readUInt32LE(4), init.readUInt32LE(8), init.readUInt32LE(12)];
  let offset = 0;
  for (; offset + 4 <= size; offset += 4) {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    out.writeUInt32LE(d, offset);
  }
  for (; offset < size; offset++) out[offset] = (d >>> (8 * (offset % 4))) & 0xff;
  header.copy(out, 0, 0, Math.min(header.length, size));
  return out;
}

export function lfsObject(path: string, bytes: Buffer): LfsObject {
  return { oid: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, path, bytes: () => bytes };
}

export const LFS_ATTRIBUTES = [
  "*.png filter=lfs diff=lfs merge=lfs -text",
  "*.psd filter=lfs diff=lfs merge=lfs -text",
  "*.bin filter=lfs diff=lfs merge=lfs -text",
  "",
].join("\n");

export function lfsFiles(objects: readonly LfsObject[]): Record<string, string> {
  return Object.fromEntries(objects.map((object) => [object.path, lfsPointer(object.oid, object.size)]));
}

export function lfsMap(objects: readonly LfsObject[]): ReadonlyMap<string, LfsObject> {
  return new Map(objects.map((object) => [object.oid, object]));
}
