/**
 * Content-addressed LFS object store: `<root>/objects/<oid[0:2]>/<oid[2:4]>/<oid>`.
 * Objects are written to `<root>/tmp/`, verified (size and sha256) and renamed into place, so a
 * stored object is always complete and correct.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError } from "@/lib/errors";
import { isLfsOid, lfsObjectPath, lfsRoot } from "./paths";

export type LfsSource = Readable | WebReadableStream<Uint8Array> | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** The content did not match the oid or size it was stored under. */
export class LfsIntegrityError extends AppError {
  constructor(message: string) {
    super("lfs_integrity", message);
    this.name = "LfsIntegrityError";
  }
}

function checkOid(oid: string): string {
  if (!isLfsOid(oid)) throw new AppError("invalid_lfs_oid", "Invalid LFS object id (expected 64 lowercase hex characters)");
  return oid;
}

function toIterable(source: LfsSource): AsyncIterable<Uint8Array> {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    return Readable.fromWeb(source as WebReadableStream<Uint8Array>);
  }
  return source as AsyncIterable<Uint8Array>;
}

export class LfsStore {
  readonly root: string;

  /** `root` defaults to `<DATA_DIR>/lfs`. */
  constructor(root?: string) {
    this.root = path.resolve(root ?? lfsRoot());
  }

  path(oid: string): string {
    return lfsObjectPath(checkOid(oid), this.root);
  }

  /** Whether the object is stored (and, if `size` is given, has that size). */
  async has(oid: string, size?: number): Promise<boolean> {
    if (!isLfsOid(oid)) return false;
    try {
      const info = await stat(this.path(oid));
      return info.isFile() && (size === undefined || info.size === size);
    } catch {
      return false;
    }
  }

  /** Size of a stored object, or null. */
  async size(oid: string): Promise<number | null> {
    if (!isLfsOid(oid)) return null;
    try {
      const info = await stat(this.path(oid));
      return info.isFile() ? info.size : null;
    } catch {
      return null;
    }
  }

  open(oid: string, options: { start?: number; end?: number } = {}): ReadStream {
    return createReadStream(this.path(oid), options);
  }

  /**
   * Streams `source` into the store as `oid`. Stops early when more than `size` bytes arrive;
   * verifies size and sha256 before the object becomes visible. Returns "already-present" when
   * the object was stored before (the source is then not read).
   */
  async put(source: LfsSource, oid: string, size: number, options: { signal?: AbortSignal } = {}): Promise<"stored" | "already-present"> {
    checkOid(oid);
    if (!Number.isSafeInteger(size) || size < 0) throw new AppError("invalid_lfs_size", "Invalid LFS object size");
    const target = this.path(oid);
    if (await this.has(oid, size)) return "already-present";

    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, `${oid}.${process.pid}.${randomBytes(6).toString("hex")}`);
    const handle = await open(tmp, "wx", 0o600);
    const hash = createHash("sha256");
    let received = 0;
    try {
      try {
        for await (const chunk of toIterable(source)) {
          options.signal?.throwIfAborted();
          received += chunk.length;
          if (received > size) throw new LfsIntegrityError(`LFS object ${oid} is larger than its declared size ${size}`);
          hash.update(chunk);
          let offset = 0;
          while (offset < chunk.length) {
            const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
            offset += bytesWritten;
          }
        }
        if (received !== size) throw new LfsIntegrityError(`LFS object ${oid} has ${received} bytes, expected ${size}`);
        const actual = hash.digest("hex");
        if (actual !== oid) throw new LfsIntegrityError(`LFS object content does not match its oid ${oid} (sha256 ${actual})`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await rename(tmp, target);
      return "stored";
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}
