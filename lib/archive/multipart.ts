import { AppError } from "@/lib/errors";

/**
 * A streaming `multipart/form-data` reader for API uploads (`file=@export.zip`): file parts are
 * handed over as byte streams, so a large archive goes to disk without being held in memory
 * (`Request.formData()` would buffer it whole). Each part's body must be read to its end (or
 * abandoned by returning) before the next part is produced; unread bytes are skipped.
 */

export type MultipartPart = {
  /** The form field name. */
  name: string;
  /** The file name for file parts, null for plain fields. */
  fileName: string | null;
  contentType: string | null;
  body: AsyncGenerator<Buffer>;
};

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PARTS = 100;

function malformed(message: string): AppError {
  return new AppError("invalid_multipart", `The multipart body is malformed: ${message}.`, { status: 400 });
}

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function headerParameter(value: string, name: string): string | null {
  const extended = new RegExp(`;\\s*${name}\\*=(?:UTF-8|utf-8)''([^;]+)`).exec(value);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall back to the plain parameter
    }
  }
  const quoted = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(value);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, "$1");
  const bare = new RegExp(`;\\s*${name}=([^;\\s]+)`, "i").exec(value);
  return bare ? bare[1]! : null;
}

class Reader {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  get data(): Buffer {
    return this.buffer;
  }

  get done(): boolean {
    return this.ended;
  }

  /** Reads more; false at the end of the body. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? Buffer.from(next.value) : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  consume(count: number): Buffer {
    const taken = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return taken;
  }
}

/** The parts of a multipart body, in order. Throws AppError("invalid_multipart") for malformed input. */
export async function* readMultipart(source: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const reader = new Reader(source);
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);

  // Preamble up to the first boundary.
  for (;;) {
    const index = reader.data.indexOf(opening);
    if (index !== -1) {
      reader.consume(index + opening.length);
      break;
    }
    if (reader.data.length > MAX_HEADER_BYTES) throw malformed("no opening boundary");
    if (!(await reader.more())) throw malformed("no opening boundary");
  }

  for (let parts = 0; ; parts++) {
    while (reader.data.length < 2) if (!(await reader.more())) throw malformed("the body ends after a boundary");
    const after = reader.consume(2).toString("latin1");
    if (after === "--") return;
    if (after !== "\r\n") throw malformed("a boundary is not followed by a line break");
    if (parts >= MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);

    let headerEnd: number;
    for (;;) {
      headerEnd = reader.data.indexOf("\r\n\r\n");
      if (headerEnd !== -1) break;
      if (reader.data.length > MAX_HEADER_BYTES) throw malformed("part headers are too long");
      if (!(await reader.more())) throw malformed("the body ends inside part headers");
    }
    const headers = new Map<string, string>();
    for (const line of reader.consume(headerEnd).toString("utf8").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    reader.consume(4);
    const disposition = headers.get("content-disposition") ?? "";
    const name = headerParameter(disposition, "name");
    if (!/^form-data/i.test(disposition) || name === null) throw malformed("a part has no form-data name");

    let finished = false;
    const body = async function* (): AsyncGenerator<Buffer> {
      for (;;) {
        const index = reader.data.indexOf(delimiter);
        if (index !== -1) {
          if (index > 0) yield Buffer.from(reader.consume(index));
          reader.consume(delimiter.length);
          finished = true;
          return;
        }
        // Keep a tail that could be the start of the delimiter.
        const safe = reader.data.length - delimiter.length;
        if (safe > 0) yield Buffer.from(reader.consume(safe));
        if (!(await reader.more())) throw malformed("the body ends inside a part");
      }
    };
    const part: MultipartPart = { name, fileName: headerParameter(disposition, "filename"), contentType: headers.get("content-type") ?? null, body: body() };
    yield part;
    // A part the consumer did not read to its end is skipped.
    if (!finished) for await (const chunk of body()) void chunk;
  }
}

/** Reads a text part, refusing more than `maxBytes`. */
export async function readTextPart(part: MultipartPart, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += chunk.length;
    if (size > maxBytes) throw new AppError("field_too_large", `The form field ${part.name} is larger than ${maxBytes} bytes.`, { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
