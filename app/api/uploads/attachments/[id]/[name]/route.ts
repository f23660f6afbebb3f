import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { NextResponse, type NextRequest } from "next/server";
import { attachmentAbsolutePath } from "@/lib/archive";
import { attachmentResponseHeaders } from "@/lib/archive/attachments";
import { currentUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { newRequestId, toPublicError } from "@/lib/errors";
import { projectAccess } from "@/lib/projects/access";

/**
 * `GET /api/uploads/attachments/<id>/<file name>`: an issue attachment, for whoever can read its
 * project (a project they cannot read looks like a missing file). Images that are really PNG,
 * JPEG, GIF or WebP are shown inline; everything else (SVG and HTML included) is a download, and
 * nothing is ever sniffed or scripted.
 */
export async function GET(_request: NextRequest, context: { params: Promise<{ id: string; name: string }> }): Promise<Response> {
  const requestId = newRequestId();
  const notFound = () => NextResponse.json({ error: { code: "not_found", message: "Attachment not found." } }, { status: 404, headers: { "x-request-id": requestId } });
  try {
    const { id } = await context.params;
    if (!/^\d{1,10}$/.test(id)) return notFound();
    const attachment = await db.attachment.findUnique({
      where: { id: Number(id) },
      select: { fileName: true, storagePath: true, size: true, contentType: true, project: { select: { id: true, namespaceId: true, visibility: true } } },
    });
    if (!attachment) return notFound();
    const access = await projectAccess(await currentUser(), attachment.project);
    if (!access.canRead) return notFound();
    const file = attachmentAbsolutePath(attachment.storagePath);
    const info = await stat(file).catch(() => null);
    if (!info) return notFound();

    const headers = new Headers({ ...attachmentResponseHeaders(attachment, info.size), "x-request-id": requestId });
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { headers });
  } catch (error) {
    const { status, body } = toPublicError(error, requestId, "issue attachment");
    return NextResponse.json({ error: body }, { status, headers: { "x-request-id": requestId } });
  }
}
