import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { config } from "@/lib/config";

/**
 * Issue attachments on disk: `<DATA_DIR>/attachments/<projectId>/<sha256[0:2]>/<sha256>`,
 * content-addressed per project (the same bytes attached twice, or imported again, are stored
 * once; nothing is ever written under a name taken from an archive). The database row
 * (Attachment) holds the shown name, size and content type.
 */

/** Content types served inline (as images); everything else is a download. SVG is not: it can carry script. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

const TEXT_TYPES: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  patch: "text/x-diff",
  diff: "text/x-diff",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  xml: "application/xml",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tgz: "application/gzip",
  svg: "image/svg+xml",
  html: "text/html",
  htm: "text/html",
};

/** The content type for an attachment: images only when their bytes say so (the extension alone is not trusted). */
export function attachmentContentType(fileName: string, head: Buffer): string {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.subarray(0, 6).toString("latin1"))) return "image/gif";
  if (head.length >= 12 && head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  const extension = fileName.includes(".") ? fileName.slice(fileName.lastIndexOf(".") + 1).toLowerCase() : "";
  return TEXT_TYPES[extension] ?? "application/octet-stream";
}

export function isInlineImage(contentType: string): boolean {
  return INLINE_IMAGE_TYPES.has(contentType);
}

/** A file name fit to show and to send in Content-Disposition: no directories, control characters or leading dots. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\x00-\x1f\x7f]/g, "").replace(/^[.\s]+/, "").trim().slice(0, 200);
  return cleaned || "attachment";
}

/** Unique names within one issue, in order: the second `log.txt` becomes `log (2).txt`. */
export function disambiguateNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw) => {
    const name = cleanFileName(raw);
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
    const dot = name.lastIndexOf(".");
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const extension = dot > 0 ? name.slice(dot) : "";
    for (let n = 2; ; n++) {
      const candidate = `${stem} (${n})${extension}`;
      if (!taken.has(candidate.toLowerCase())) {
        taken.add(candidate.toLowerCase());
        return candidate;
      }
    }
  });
}

function dataDir(): string {
  return path.resolve(config().DATA_DIR);
}

/** The absolute path of a stored attachment (refuses anything outside the attachments folder). */
export function attachmentAbsolutePath(storagePath: string): string {
  const root = path.join(dataDir(), "attachments");
  const absolute = path.resolve(dataDir(), storagePath);
  if (!absolute.startsWith(root + path.sep)) throw new Error("Invalid attachment storage path");
  return absolute;
}

export type StoredAttachment = { storagePath: string; size: number; sha256: string; head: Buffer };

/** Streams `source` into the project's attachment store; the result is keyed by content. */
export async function storeAttachment(projectId: number, source: Readable): Promise<StoredAttachment> {
  if (!Number.isSafeInteger(projectId) || projectId <= 0) throw new Error("Invalid project id");
  const projectDir = path.join(dataDir(), "attachments", String(projectId));
  await mkdir(projectDir, { recursive: true, mode: 0o700 });
  const temporary = path.join(projectDir, `.incoming-${randomBytes(8).toString("hex")}`);
  const hash = createHash("sha256");
  let size = 0;
  let head = Buffer.alloc(0);
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, measure, createWriteStream(temporary, { mode: 0o600 }));
    const sha256 = hash.digest("hex");
    const relative = path.join("attachments", String(projectId), sha256.slice(0, 2), sha256);
    const target = path.join(dataDir(), relative);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const existing = await stat(target).catch(() => null);
    if (existing && existing.size === size) await rm(temporary, { force: true });
    else await rename(temporary, target);
    return { storagePath: relative, size, sha256, head };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Response headers for serving an attachment: real raster images inline, everything else as a
 * download (text as text/plain, the rest as octet-stream), never sniffed, never scripted.
 */
export function attachmentResponseHeaders(attachment: { fileName: string; contentType: string }, size: number): Record<string, string> {
  const inline = isInlineImage(attachment.contentType);
  const asciiName = attachment.fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return {
    "content-type": inline ? attachment.contentType : attachment.contentType.startsWith("text/") ? "text/plain; charset=utf-8" : "application/octet-stream",
    "content-length": String(size),
    "content-disposition": `${inline ? "inline" : "attachment"}; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "cache-control": "private, max-age=3600",
    "cross-origin-resource-policy": "same-origin",
  };
}
