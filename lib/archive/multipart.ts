import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError } from "@/lib/errors";

/**
 * A streaming `multipart/form-data` reader for API uploads (`file=@export.zip`), on busboy: file
 * parts are handed over as byte streams, so a large archive goes to disk without being held in
 * memory (`Request.formData()` would buffer it whole). Each part's body must be read to its end
 * (or abandoned by returning) before the next part is produced; unread bytes are skipped.
 */

export type MultipartPart = {
  /** The form field name. */
  name: string;
  /** The file name for file parts, null for plain fields. */
  fileName: string | null;
  contentType: string | null;
  body: AsyncGenerator<Buffer>;
};

const MAX_PARTS = 100;
const MAX_HEADER_PAIRS = 100;
/** Text fields longer than this are refused whatever the reader's own limit. */
const MAX_FIELD_BYTES = 1024 * 1024;

function malformed(message: string): AppError {
  return new AppError("invalid_multipart", `The multipart body is malformed: ${message}.`);
}

function fieldTooLarge(name: string, maxBytes: number): AppError {
  return new AppError("field_too_large", `The form field ${name} is larger than ${maxBytes} bytes.`);
}

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

async function* fileBody(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw error instanceof AppError ? error : malformed(error instanceof Error ? error.message.toLowerCase() : String(error));
  }
}

async function* fieldBody(name: string, value: string, truncated: boolean): AsyncGenerator<Buffer> {
  if (truncated) throw fieldTooLarge(name, MAX_FIELD_BYTES);
  yield Buffer.from(value, "utf8");
}

/** The parts of a multipart body, in order. Throws AppError("invalid_multipart") for malformed input. */
export async function* readMultipart(source: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const parser = busboy({
    headers: { "content-type": `multipart/form-data; boundary="${boundary}"` },
    preservePath: true,
    defParamCharset: "utf8",
    limits: { parts: MAX_PARTS, headerPairs: MAX_HEADER_PAIRS, fieldSize: MAX_FIELD_BYTES },
  });
  const ready: MultipartPart[] = [];
  let failure: unknown = null;
  let closed = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const fail = (error: unknown) => {
    failure ??= error instanceof AppError ? error : malformed(error instanceof Error ? error.message.toLowerCase() : String(error));
    notify();
  };

  parser.on("file", (name, stream, info) => {
    ready.push({ name, fileName: info.filename ?? null, contentType: info.mimeType ?? null, body: fileBody(stream) });
    notify();
  });
  parser.on("field", (name, value, info) => {
    ready.push({ name, fileName: null, contentType: info.mimeType ?? null, body: fieldBody(name, value, info.valueTruncated) });
    notify();
  });
  parser.on("partsLimit", () => fail(malformed(`more than ${MAX_PARTS} parts`)));
  parser.on("close", () => {
    closed = true;
    notify();
  });
  const feeding = pipeline(Readable.from(source, { objectMode: false }), parser).catch(fail);

  try {
    for (;;) {
      while (ready.length === 0 && !closed && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      if (failure !== null) throw failure;
      const part = ready.shift();
      if (!part) break;
      yield part;
      // A part the consumer did not read to its end is skipped.
      for await (const chunk of part.body) void chunk;
    }
    await feeding;
    if (failure !== null) throw failure;
  } finally {
    if (!closed) parser.destroy();
  }
}

/** Reads a text part, refusing more than `maxBytes`. */
export async function readTextPart(part: MultipartPart, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += chunk.length;
    if (size > maxBytes) throw fieldTooLarge(part.name, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
