import { lfsStore, parseLfsPointer, readBlobHead, readTree, reachableLfsObjects, statPath, streamBlob, streamLfsObject, type TreeEntry } from "@/lib/git";
import { highlightLines, type HighlightedLine } from "./highlight";
import type { RepositoryLocation } from "./location";

/** Files and directories of a project's repository, as the browser and the raw route read them. */

/** Blobs up to this size are shown in the page; larger ones get a download link. */
export const MAX_DISPLAY_BYTES = 1024 * 1024;
const LFS_POINTER_MAX = 1024;

const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", bmp: "image/bmp", ico: "image/x-icon" };

/** The image content type of a file name (never SVG: it can carry scripts), or null. */
export function imageType(fileName: string): string | null {
  const extension = fileName.split(".").at(-1)?.toLowerCase() ?? "";
  return IMAGE_TYPES[extension] ?? null;
}

/** Text has no NUL byte in its first 8000 bytes (git's own rule). */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

export type TreeView = { entries: TreeEntry[]; truncated: boolean };

export async function readTreeAt(repoPath: string, location: RepositoryLocation): Promise<TreeView | null> {
  return readTree(repoPath, location.commit, location.path);
}

export type LfsInfo = { oid: string; size: number; /** Its content is stored in Ferry and belongs to this project. */ available: boolean };

export type BlobView = {
  path: string;
  name: string;
  /** Bytes of the content (of the LFS object for LFS files). */
  size: number;
  lfs: LfsInfo | null;
  /** text: `lines` hold it; image: shown from the raw URL; binary, too_large, lfs_missing: a download link only. */
  display: "text" | "image" | "binary" | "too_large" | "lfs_missing";
  lines: HighlightedLine[];
};

/** Whether the project may serve the LFS object: it is stored, and a pointer to it is reachable from the project's refs. */
async function lfsAvailable(projectId: number, repoPath: string, oid: string): Promise<boolean> {
  const [stored, reachable] = await Promise.all([lfsStore().has(oid), reachableLfsObjects(projectId, repoPath, [oid])]);
  return stored && reachable.has(oid);
}

async function readContent(projectId: number, repoPath: string, sha: string, size: number): Promise<{ bytes: Buffer | null; size: number; lfs: LfsInfo | null }> {
  if (size <= LFS_POINTER_MAX) {
    const { bytes } = await readBlobHead(repoPath, sha, LFS_POINTER_MAX);
    const pointer = parseLfsPointer(bytes);
    if (!pointer) return { bytes, size, lfs: null };
    const available = await lfsAvailable(projectId, repoPath, pointer.oid);
    const lfs = { oid: pointer.oid, size: pointer.size, available };
    if (!available || pointer.size > MAX_DISPLAY_BYTES) return { bytes: null, size: pointer.size, lfs };
    return { bytes: await readStream(lfsStore().open(pointer.oid), MAX_DISPLAY_BYTES), size: pointer.size, lfs };
  }
  if (size > MAX_DISPLAY_BYTES) return { bytes: null, size, lfs: null };
  return { bytes: (await readBlobHead(repoPath, sha, MAX_DISPLAY_BYTES)).bytes, size, lfs: null };
}

async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

/** The file at the location, highlighted; null when the path is not a file. */
export async function readBlobAt(projectId: number, repoPath: string, location: RepositoryLocation): Promise<BlobView | null> {
  if (!location.path) return null;
  const info = await statPath(repoPath, location.commit, location.path);
  if (info.status !== "found" || info.type !== "blob") return null;
  const name = location.path.split("/").at(-1)!;
  const content = await readContent(projectId, repoPath, info.sha, info.size);
  const base = { path: location.path, name, size: content.size, lfs: content.lfs, lines: [] };
  if (content.lfs && !content.lfs.available) return { ...base, display: "lfs_missing" };
  if (imageType(name)) return { ...base, display: "image" };
  if (!content.bytes) return { ...base, display: "too_large" };
  if (looksBinary(content.bytes)) return { ...base, display: "binary" };
  return { ...base, display: "text", lines: await highlightLines(content.bytes.toString("utf8"), name) };
}

const RAW_SECURITY_HEADERS = {
  // Served from Ferry's origin: never rendered as a document that could run scripts.
  "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "private, max-age=0, must-revalidate",
};

function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The raw content of the file at the location (LFS files: the stored object), streamed: images
 * with their type, text as text/plain, anything else as a download. Null when the path is not a
 * file, or an LFS object this project may not serve.
 */
export async function rawFileResponse(request: Request, projectId: number, repoPath: string, location: RepositoryLocation): Promise<Response | null> {
  if (!location.path) return null;
  const info = await statPath(repoPath, location.commit, location.path);
  if (info.status !== "found" || info.type !== "blob") return null;
  const name = location.path.split("/").at(-1)!;
  const head = (await readBlobHead(repoPath, info.sha, LFS_POINTER_MAX)).bytes;
  const pointer = info.size <= LFS_POINTER_MAX ? parseLfsPointer(head) : null;
  const image = imageType(name);
  const type = image ?? (looksBinary(head) ? "application/octet-stream" : "text/plain; charset=utf-8");
  const headers = { ...RAW_SECURITY_HEADERS, "Content-Type": type, "Content-Disposition": contentDisposition(type === "application/octet-stream" ? "attachment" : "inline", name) };
  if (pointer) {
    if (!(await lfsAvailable(projectId, repoPath, pointer.oid))) return null;
    const served = await streamLfsObject(request, lfsStore(), pointer.oid);
    if (!served.ok) return null;
    const lfsHeaders = new Headers({ ...headers, "Content-Type": image ?? "application/octet-stream", "Content-Disposition": contentDisposition(image ? "inline" : "attachment", name) });
    const length = served.headers.get("Content-Length");
    if (length) lfsHeaders.set("Content-Length", length);
    return new Response(served.body, { status: 200, headers: lfsHeaders });
  }
  if (request.method.toUpperCase() === "HEAD") return new Response(null, { status: 200, headers: { ...headers, "Content-Length": String(info.size) } });
  return new Response(streamBlob(repoPath, info.sha), { status: 200, headers: { ...headers, "Content-Length": String(info.size) } });
}
