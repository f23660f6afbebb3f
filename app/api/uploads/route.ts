import { z } from "zod";
import { MAX_UPLOAD_BYTES, saveUpload } from "@/lib/archive";
import { AppError } from "@/lib/errors";
import { userRoute } from "@/lib/json-routes/wrapper";

/**
 * `POST /api/uploads?name=<file name>` with the file as the raw request body: streams it to
 * DATA_DIR/uploads for the signed-in user and answers `{ id, name, size }`. The id is then given
 * to an import (issue archive or wiki bundle), which only its uploader can use.
 */
export const POST = userRoute({ query: z.object({ name: z.string().trim().min(1).max(255) }), context: "upload" }, async ({ request, user, query }) => {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
    throw new AppError("upload_too_large", `The file is larger than ${Math.round(MAX_UPLOAD_BYTES / 1024 ** 2)} MiB, the most Ferry accepts.`);
  }
  if (!request.body) throw new AppError("invalid_request", "The request has no file in its body.");
  const upload = await saveUpload({ ownerId: user.id, originalName: query.name, body: request.body as unknown as AsyncIterable<Uint8Array> });
  if (upload.size === 0) throw new AppError("invalid_request", "The file is empty.");
  return { id: upload.id, name: upload.originalName, size: upload.size };
});
