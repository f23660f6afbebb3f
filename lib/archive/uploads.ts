import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { cleanFileName } from "./attachments";

/**
 * Files uploaded for an import (issue-export zips, wiki bundles), streamed to
 * `<DATA_DIR>/uploads/<id>` with `<id>.json` beside it (owner, original name, size, time). An
 * upload is used once: starting a job moves the file into the job's folder. Uploads nobody used
 * are removed after a day.
 */

export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const STALE_AFTER_MS = 24 * 3600_000;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export const uploadIdSchema = z.string().regex(UPLOAD_ID, "is not an upload id");

const uploadRecordSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  originalName: z.string(),
  size: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

export function uploadsDirectory(): string {
  return path.join(path.resolve(config().DATA_DIR), "uploads");
}

function paths(id: string): { file: string; meta: string } {
  if (!UPLOAD_ID.test(id)) throw new AppError("upload_not_found", "That upload does not exist or has expired; upload the file again.");
  const directory = uploadsDirectory();
  return { file: path.join(directory, `${id}.upload`), meta: path.join(directory, `${id}.json`) };
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("upload_too_large", `The file is larger than ${Math.round(maxBytes / 1024 ** 2)} MiB, the most Ferry accepts.`);
}

function overQuota(): AppError {
  return new AppError("upload_quota_exceeded", "Your unused uploads have reached the space Ferry allows; start an import with them, or wait until they expire (a day).");
}

function uploadsFull(): AppError {
  return new AppError("uploads_full", "Ferry has no room for more uploads right now; try again later.");
}

/** Bytes being streamed into uploads right now, by owner. */
const streaming = new Map<string, number>();

/** Bytes held by unused uploads: by `ownerId`, and in total (files still being written included). */
async function uploadUsage(ownerId: string): Promise<{ owner: number; total: number }> {
  const directory = uploadsDirectory();
  const names = await readdir(directory).catch(() => [] as string[]);
  let owner = streaming.get(ownerId) ?? 0;
  let total = 0;
  for (const name of names) {
    const full = path.join(directory, name);
    if (name.endsWith(".upload")) total += (await stat(full).catch(() => null))?.size ?? 0;
    if (name.endsWith(".json")) {
      const record = uploadRecordSchema.safeParse(await readFile(full, "utf8").then(JSON.parse, () => null));
      if (record.success && record.data.ownerId === ownerId) owner += record.data.size;
    }
  }
  return { owner, total };
}

/**
 * Streams `body` to a new upload owned by `ownerId`. A body over `maxBytes`, over what the owner's
 * quota (UPLOAD_QUOTA_BYTES) has left, or over what all uploads together may take
 * (UPLOADS_TOTAL_BYTES) is refused and nothing is kept.
 */
export async function saveUpload(options: { ownerId: string; originalName: string; body: AsyncIterable<Uint8Array>; maxBytes?: number }): Promise<UploadRecord> {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  const id = randomBytes(16).toString("hex");
  const { file, meta } = paths(id);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await removeStaleUploads().catch(() => undefined);
  const usage = await uploadUsage(options.ownerId);
  const quotaLeft = config().UPLOAD_QUOTA_BYTES - usage.owner;
  const roomLeft = config().UPLOADS_TOTAL_BYTES - usage.total;
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      streaming.set(options.ownerId, (streaming.get(options.ownerId) ?? 0) + chunk.length);
      if (size > maxBytes) callback(tooLarge(maxBytes));
      else if (size > quotaLeft) callback(overQuota());
      else if (size > roomLeft) callback(uploadsFull());
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(options.body), limit, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  } finally {
    const left = (streaming.get(options.ownerId) ?? 0) - size;
    if (left > 0) streaming.set(options.ownerId, left);
    else streaming.delete(options.ownerId);
  }
  const record: UploadRecord = { id, ownerId: options.ownerId, originalName: cleanFileName(options.originalName), size, createdAt: new Date().toISOString() };
  await writeFile(meta, JSON.stringify(record), { mode: 0o600 });
  return record;
}

/** The upload, when it exists and belongs to `ownerId` (someone else's upload looks missing). */
export async function findUpload(id: string, ownerId: string): Promise<UploadRecord | null> {
  let meta: string;
  try {
    meta = paths(id).meta;
  } catch {
    return null;
  }
  const parsed = uploadRecordSchema.safeParse(await readFile(meta, "utf8").then(JSON.parse, () => null));
  if (!parsed.success || parsed.data.ownerId !== ownerId) return null;
  return parsed.data;
}

/** Moves the upload's file to `destination` and forgets the upload. */
export async function claimUpload(id: string, ownerId: string, destination: string): Promise<UploadRecord> {
  const record = await findUpload(id, ownerId);
  if (!record) throw new AppError("upload_not_found", "That upload does not exist or has expired; upload the file again.");
  const { file, meta } = paths(id);
  await mkdir(path.dirname(destination), { recursive: true });
  await rename(file, destination);
  await rm(meta, { force: true });
  return record;
}

export async function discardUpload(id: string, ownerId: string): Promise<boolean> {
  if (!(await findUpload(id, ownerId))) return false;
  const { file, meta } = paths(id);
  await rm(file, { force: true });
  await rm(meta, { force: true });
  return true;
}

/** Removes uploads older than a day (and half-written files of crashed requests). */
export async function removeStaleUploads(now = Date.now()): Promise<number> {
  const directory = uploadsDirectory();
  const names = await readdir(directory).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const full = path.join(directory, name);
    const info = await stat(full).catch(() => null);
    if (info && now - info.mtimeMs > STALE_AFTER_MS) {
      await rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}
