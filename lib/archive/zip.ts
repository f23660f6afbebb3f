import { Transform, type Readable, type TransformCallback } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { AppError, type ErrorCode } from "@/lib/errors";

/**
 * Reading untrusted zip archives (issue exports) without trusting them:
 *
 * - entry names that are absolute, contain `..` segments, backslashes, drive letters or control
 *   characters reject the whole archive (zip slip: nothing here ever writes by entry name, but an
 *   archive built to attack extractors is not one we want to read);
 * - limits on the entry count, the declared total uncompressed size and each entry's compression
 *   ratio are checked from the central directory before any data is inflated (zip bombs), and the
 *   bytes actually inflated are counted again while streaming (yauzl also checks each entry's
 *   declared size against what it inflates);
 * - a truncated or corrupt archive is an AppError with an actionable message, never a crash.
 *
 * Entries are read one at a time as streams (the archive is never loaded into memory).
 */

export type ZipLimits = {
  /** At most this many entries. */
  maxEntries: number;
  /** The declared uncompressed sizes of all entries together. */
  maxTotalUncompressedBytes: number;
  /** One entry's uncompressed size. */
  maxEntryUncompressedBytes: number;
  /** Uncompressed ÷ compressed size, checked for entries larger than `ratioThresholdBytes`. */
  maxCompressionRatio: number;
  ratioThresholdBytes: number;
};

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxTotalUncompressedBytes: 8 * 1024 ** 3,
  maxEntryUncompressedBytes: 2 * 1024 ** 3,
  maxCompressionRatio: 200,
  ratioThresholdBytes: 1024 * 1024,
};

export type ZipEntryInfo = { name: string; size: number; compressedSize: number };

function archiveError(code: ErrorCode, message: string, cause?: unknown): AppError {
  return new AppError(code, message, { cause });
}

/** Why an entry name is unsafe, or null when it is fine. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return "an empty name";
  if (/[\x00-\x1f\x7f]/.test(name)) return "control characters";
  if (name.includes("\\")) return "a backslash";
  if (name.startsWith("/")) return "an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "a drive letter";
  if (name.split("/").some((segment) => segment === "..")) return "a '..' segment";
  return null;
}

function describeOpenError(error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/absolute path|invalid relative path|invalid characters in fileName/i.test(message)) {
    return archiveError("archive_unsafe_path", `The archive contains an unsafe file name (${message}); it was not read.`, error);
  }
  if (/end of central directory|not enough bytes|truncated|unexpected EOF|invalid central directory|invalid signature/i.test(message)) {
    return archiveError("archive_truncated", "The archive is truncated or damaged (its table of contents could not be read). Download or copy it again and retry.", error);
  }
  return archiveError("archive_invalid", `The file is not a readable zip archive: ${message}`, error);
}

/** Counts inflated bytes and fails past a limit (defence in depth besides yauzl's own size check). */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly limit: number,
    private readonly onBytes: (count: number) => void,
    private readonly name: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    this.onBytes(chunk.length);
    if (this.seen > this.limit) {
      callback(archiveError("archive_too_large", `The archive entry ${this.name} inflates to more than its declared size.`));
      return;
    }
    callback(null, chunk);
  }
}

export class SafeZip {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    private readonly byName: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  /** Opens and validates the archive's table of contents; throws AppError for unsafe or damaged archives. */
  static async open(filePath: string, limits: Partial<ZipLimits> = {}): Promise<SafeZip> {
    const effective = { ...DEFAULT_ZIP_LIMITS, ...limits };
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
    } catch (error) {
      throw describeOpenError(error);
    }
    try {
      if (zip.entryCount > effective.maxEntries) {
        throw archiveError("archive_too_many_entries", `The archive has ${zip.entryCount} entries; at most ${effective.maxEntries} are accepted.`);
      }
      const byName = new Map<string, Entry>();
      let total = 0;
      for await (const entry of zip.eachEntry()) {
        const problem = unsafeEntryName(entry.fileName);
        if (problem) {
          throw archiveError("archive_unsafe_path", `The archive contains an unsafe file name with ${problem} (${JSON.stringify(entry.fileName.slice(0, 200))}); it was not read.`);
        }
        if (entry.fileName.endsWith("/")) continue;
        if (entry.isEncrypted()) throw archiveError("archive_encrypted", `The archive entry ${entry.fileName} is encrypted; export the archive again without a password.`);
        if (entry.uncompressedSize > effective.maxEntryUncompressedBytes) {
          throw archiveError("archive_too_large", `The archive entry ${entry.fileName} is ${entry.uncompressedSize} bytes uncompressed; at most ${effective.maxEntryUncompressedBytes} are accepted.`);
        }
        total += entry.uncompressedSize;
        if (total > effective.maxTotalUncompressedBytes) {
          throw archiveError("archive_too_large", `The archive inflates to more than ${effective.maxTotalUncompressedBytes} bytes; it looks like a zip bomb and was not read.`);
        }
        if (
          entry.uncompressedSize > effective.ratioThresholdBytes &&
          entry.uncompressedSize / Math.max(entry.compressedSize, 1) > effective.maxCompressionRatio
        ) {
          throw archiveError(
            "archive_suspicious_ratio",
            `The archive entry ${entry.fileName} is compressed ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}:1 (more than ${effective.maxCompressionRatio}:1); it looks like a zip bomb and was not read.`,
          );
        }
        byName.set(entry.fileName, entry);
      }
      return new SafeZip(zip, byName, effective);
    } catch (error) {
      zip.close();
      throw error instanceof AppError ? error : describeOpenError(error);
    }
  }

  entries(): ZipEntryInfo[] {
    return [...this.byName.values()].map((entry) => ({ name: entry.fileName, size: entry.uncompressedSize, compressedSize: entry.compressedSize }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntryInfo | null {
    const entry = this.byName.get(name);
    return entry ? { name: entry.fileName, size: entry.uncompressedSize, compressedSize: entry.compressedSize } : null;
  }

  /** The entry's bytes as a stream; errors (corrupt data, size mismatch) surface on the stream as AppErrors. */
  async open(name: string): Promise<Readable> {
    const entry = this.byName.get(name);
    if (!entry) throw archiveError("archive_entry_missing", `The archive has no entry ${name}.`);
    let raw: Readable;
    try {
      raw = await this.zip.openReadStreamPromise(entry);
    } catch (error) {
      throw archiveError("archive_entry_unreadable", `The archive entry ${name} could not be read: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    const limit = new ByteLimit(entry.uncompressedSize, (count) => {
      this.inflated += count;
    }, name);
    raw.on("error", (error) => {
      limit.destroy(error instanceof AppError ? error : archiveError("archive_entry_unreadable", `The archive entry ${name} is damaged: ${error.message}`, error));
    });
    limit.on("close", () => {
      if (!raw.destroyed) raw.destroy();
    });
    return raw.pipe(limit);
  }

  /** Bytes inflated so far, all entries together. */
  get inflatedBytes(): number {
    return this.inflated;
  }

  get limitsInUse(): ZipLimits {
    return this.limits;
  }

  close(): void {
    this.zip.close();
  }
}
