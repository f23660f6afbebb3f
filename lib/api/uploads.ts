import { MAX_UPLOAD_BYTES, saveUpload, type UploadRecord } from "@/lib/archive";
import { multipartBoundary, readMultipart, readTextPart } from "@/lib/archive/multipart";
import { AppError } from "@/lib/errors";
import { badRequest } from "./errors";

/**
 * Endpoints that take large uploads leave `body` out of their options (the wrapper reads bodies
 * into memory) and stream the request with `readUploadForm`.
 */

export type UploadForm = { upload: UploadRecord | null; fields: Record<string, string> };

export function isMultipart(request: Request): boolean {
  return multipartBoundary(request.headers.get("content-type")) !== null;
}

/**
 * Reads a `multipart/form-data` request: the file field `fileField` is streamed to an upload
 * owned by `ownerId`; other fields are read as text. Any other content type yields no file.
 */
export async function readUploadForm(request: Request, ownerId: string, fileField: string): Promise<UploadForm> {
  const boundary = multipartBoundary(request.headers.get("content-type"));
  if (!boundary || !request.body) return { upload: null, fields: {} };
  const fields: Record<string, string> = {};
  let upload: UploadRecord | null = null;
  try {
    for await (const part of readMultipart(request.body as unknown as AsyncIterable<Uint8Array>, boundary)) {
      if (part.name === fileField && part.fileName !== null) {
        if (upload) throw badRequest(`${fileField} is given more than once`);
        upload = await saveUpload({ ownerId, originalName: part.fileName || fileField, body: part.body, maxBytes: MAX_UPLOAD_BYTES });
      } else if (part.fileName === null) {
        fields[part.name] = await readTextPart(part);
      }
    }
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_multipart") throw badRequest(error.message);
    throw error;
  }
  return { upload, fields };
}
