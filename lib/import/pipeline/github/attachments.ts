import { Readable, Transform } from "node:stream";
import { cleanFileName } from "@/lib/archive";
import { attachmentContentType, storeAttachment } from "@/lib/archive/attachments";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { safeRequest } from "@/lib/git/safe-http";
import type { ImportContext } from "../context";
import { addProgress, errorMessage, recordFailure } from "../records";

/** The largest attachment downloaded; GitHub's own limit for files in comments is 25 MB. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Links to GitHub's attachment hosts: `<web>/user-attachments/…`, `<web>/user-images/…` and the user-content hosts. */
export function attachmentUrls(text: string, webUrl: string): string[] {
  const web = new URL(webUrl).origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(?:${web}/(?:user-attachments/(?:assets|files)|user-images)|https://(?:private-)?user-images\\.githubusercontent\\.com)/[^\\s)"'<>\\]]+`, "g");
  return [...new Set(text.match(pattern) ?? [])];
}

function limited(limit: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? new Error(`the file is larger than ${limit / 1024 / 1024} MB`) : null, chunk);
    },
  });
}

/** What an attachment belongs to: the issue, merge request or release whose text links to it. */
export type AttachmentOwner = { issueId: number } | { mergeRequestId: number } | { releaseId: number };

/**
 * Downloads the attachments a text links to (through the SSRF-checked fetcher, size limited, the
 * token sent only to GitHub's own web host) into its owner's attachments, once each (a re-run
 * finds them by their source URL). Returns GitHub URL → Ferry URL for those it has.
 */
export async function downloadAttachments(ctx: ImportContext, owner: AttachmentOwner, urls: readonly string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (urls.length === 0) return result;
  const existing = await db.attachment.findMany({ where: { ...owner, originalName: { in: [...urls] } }, select: { id: true, fileName: true, originalName: true } });
  for (const row of existing) result.set(row.originalName, ferryAttachmentUrl(row));
  const webHost = new URL(ctx.github.client.webUrl).host;
  const taken = new Set((await db.attachment.findMany({ where: owner, select: { fileName: true } })).map((row) => row.fileName.toLowerCase()));
  for (const url of urls) {
    if (result.has(url)) continue;
    await ctx.checkpoint();
    try {
      const headers: Record<string, string> = {};
      if (new URL(url).host === webHost) headers.authorization = `token ${(await ctx.github.gitCredentials()).password}`;
      const { response } = await safeRequest(url, { method: "GET", headers });
      if ((response.statusCode ?? 0) !== 200) {
        response.resume();
        throw new Error(`GitHub answered HTTP ${response.statusCode}`);
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > MAX_ATTACHMENT_BYTES) {
        response.destroy();
        throw new Error(`the file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
      }
      const stored = await storeAttachment(ctx.project.id, Readable.from(response).pipe(limited(MAX_ATTACHMENT_BYTES)));
      let fileName = cleanFileName(decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "attachment"));
      for (let n = 2; taken.has(fileName.toLowerCase()); n++) fileName = `${n}-${fileName}`;
      taken.add(fileName.toLowerCase());
      const row = await db.attachment.create({
        data: { projectId: ctx.project.id, ...owner, fileName, originalName: url, storagePath: stored.storagePath, size: BigInt(stored.size), contentType: attachmentContentType(fileName, stored.head) },
      });
      result.set(url, ferryAttachmentUrl(row));
      await addProgress(ctx.importId, "attachment", { fetched: 1, imported: 1 });
    } catch (error) {
      await addProgress(ctx.importId, "attachment", { failed: 1 });
      await recordFailure(ctx.importId, { stage: ctx.row.stage ?? "github_issues", objectType: "attachment", sourceId: url.slice(0, 500), sourceUrl: url, message: `The attachment could not be downloaded: ${errorMessage(error)}` });
    }
  }
  return result;
}

/** The attachments `text` links to, downloaded when this import downloads attachments; GitHub URL → Ferry URL. */
export async function attachmentsOf(ctx: ImportContext, owner: AttachmentOwner, text: string | null | undefined): Promise<Map<string, string>> {
  if (!importsAttachments(ctx)) return new Map();
  return downloadAttachments(ctx, owner, attachmentUrls(text ?? "", ctx.github.client.webUrl));
}

type StoredText = { key: number; owner: AttachmentOwner; text: string };

/**
 * Downloads what written rows' source texts link to and points their stored texts at it.
 * `sources` maps each written row's key (an iid, a release id) to its source text; only the rows
 * whose source links to attachments are loaded, and only changed texts are saved.
 */
export async function localiseWrittenTexts<Row extends StoredText>(
  ctx: ImportContext,
  sources: ReadonlyMap<number, string | null | undefined>,
  load: (keys: number[]) => Promise<Row[]>,
  save: (row: Row, text: string) => Promise<unknown>,
): Promise<void> {
  if (!importsAttachments(ctx)) return;
  const webUrl = ctx.github.client.webUrl;
  const wanted = [...sources].filter(([, text]) => attachmentUrls(text ?? "", webUrl).length > 0);
  if (wanted.length === 0) return;
  const sourceOf = new Map(wanted);
  for (const row of await load(wanted.map(([key]) => key))) {
    const attachments = await downloadAttachments(ctx, row.owner, attachmentUrls(sourceOf.get(row.key) ?? "", webUrl));
    const text = withAttachments(row.text, attachments);
    if (text !== row.text) await save(row, text);
  }
}

function ferryAttachmentUrl(row: { id: number; fileName: string }): string {
  return `${config().NEXTAUTH_URL}/api/uploads/attachments/${row.id}/${encodeURIComponent(row.fileName)}`;
}

/** The attachments already downloaded for releases: per release, GitHub URL → Ferry URL. */
export async function releaseAttachmentLinks(releaseIds: readonly number[]): Promise<Map<number, Map<string, string>>> {
  const links = new Map<number, Map<string, string>>();
  const rows = await db.attachment.findMany({ where: { releaseId: { in: [...releaseIds] } }, select: { id: true, fileName: true, originalName: true, releaseId: true } });
  for (const row of rows) links.set(row.releaseId!, (links.get(row.releaseId!) ?? new Map()).set(row.originalName, ferryAttachmentUrl(row)));
  return links;
}

/** Whether this import downloads attachments. */
export function importsAttachments(ctx: ImportContext): boolean {
  return (ctx.row.options as { github?: { attachments?: boolean } } | null)?.github?.attachments === true;
}

/** `text` with each downloaded attachment's GitHub URL replaced by its Ferry URL. */
export function withAttachments(text: string, attachments: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of attachments) out = out.split(from).join(to);
  return out;
}
