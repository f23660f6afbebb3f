import { StringDecoder } from "node:string_decoder";

/**
 * A lenient streaming reader for export files shaped `{"key": [record, record, …], "key2": {…}}`.
 *
 * The whole document is never held in memory: each element of a top-level array is cut out of
 * the text (tracking strings and nesting only) and parsed on its own with JSON.parse. A record
 * that does not parse is reported and skipped; the reader resynchronises at the next comma at the
 * array's level. A file that ends early yields everything read up to that point and then reports
 * where it stopped. Nothing here throws for bad input.
 */

export type JsonRecordEvent =
  /** One element of the top-level array `key`. */
  | { type: "record"; key: string; index: number; value: unknown }
  /** A top-level value that is not an array (e.g. `meta`). */
  | { type: "value"; key: string; value: unknown }
  /** An element (or top-level value) that could not be parsed. */
  | { type: "skipped"; key: string; index: number | null; reason: string; excerpt: string }
  /** The text ended before the document was complete. */
  | { type: "truncated"; key: string | null; index: number | null }
  /** The text is not a JSON object at the top level. */
  | { type: "invalid"; reason: string };

export type JsonRecordOptions = {
  /** A single record larger than this (characters) is skipped without being kept in memory. */
  maxRecordChars?: number;
};

const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;

type Mode =
  | "start"
  | "expect-key"
  | "in-key"
  | "expect-colon"
  | "expect-value"
  | "array-expect-element"
  | "capture"
  | "done"
  | "invalid";

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0xfeff]);

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}

function parseErrorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Yields events for the JSON text arriving as `chunks` (Buffers or strings). Keys are reported
 * as written; element indexes count from 0 per array and include skipped elements.
 */
export async function* readJsonRecords(chunks: AsyncIterable<Buffer | string>, options: JsonRecordOptions = {}): AsyncGenerator<JsonRecordEvent> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const decoder = new StringDecoder("utf8");
  let mode = "start" as Mode;
  let key = "";
  let keyParts: string[] = [];
  let keyEscape = false;
  let inArray = false;
  let index = 0;

  // Capture state for one element or value.
  let parts: string[] = [];
  let captured = 0;
  let oversize = false;
  let depth = 0;
  let inString = false;
  let escape = false;
  /** A primitive (number, literal, bare garbage) ends at `,` or the closing bracket. */
  let primitive = false;

  const pending: JsonRecordEvent[] = [];

  function finishCapture(): void {
    const text = parts.join("");
    parts = [];
    const where = inArray ? index : null;
    if (oversize) {
      pending.push({ type: "skipped", key, index: where, reason: `larger than ${maxRecordChars} characters`, excerpt: excerptOf(text) });
    } else {
      try {
        const value: unknown = JSON.parse(text);
        pending.push(inArray ? { type: "record", key, index, value } : { type: "value", key, value });
      } catch (error) {
        pending.push({ type: "skipped", key, index: where, reason: parseErrorReason(error), excerpt: excerptOf(text) });
      }
    }
    captured = 0;
    oversize = false;
    if (inArray) index++;
  }

  function keep(text: string): void {
    if (oversize) {
      if (parts.length === 0) parts.push(text.slice(0, 200));
      return;
    }
    captured += text.length;
    if (captured > maxRecordChars) {
      oversize = true;
      parts = [parts.join("").slice(0, 200)];
      return;
    }
    parts.push(text);
  }

  function process(text: string): void {
    let i = 0;
    const length = text.length;
    while (i < length) {
      switch (mode) {
        case "done":
        case "invalid":
          return;
        case "start": {
          const code = text.charCodeAt(i);
          if (WHITESPACE.has(code)) {
            i++;
            continue;
          }
          if (code === 0x7b /* { */) {
            mode = "expect-key";
            i++;
            continue;
          }
          mode = "invalid";
          pending.push({ type: "invalid", reason: `the file does not start with a JSON object (found ${JSON.stringify(text.slice(i, i + 20))})` });
          return;
        }
        case "expect-key": {
          const code = text.charCodeAt(i);
          if (WHITESPACE.has(code) || code === 0x2c /* , */) {
            i++;
            continue;
          }
          if (code === 0x22 /* " */) {
            mode = "in-key";
            keyParts = [];
            keyEscape = false;
            i++;
            continue;
          }
          if (code === 0x7d /* } */) {
            mode = "done";
            return;
          }
          // Garbage between members: skip to the next quote.
          const next = text.indexOf('"', i);
          pending.push({ type: "skipped", key, index: null, reason: "unexpected text between top-level keys", excerpt: excerptOf(text.slice(i, next === -1 ? i + 80 : next)) });
          if (next === -1) return;
          i = next;
          continue;
        }
        case "in-key": {
          const start = i;
          while (i < length) {
            const code = text.charCodeAt(i);
            if (keyEscape) keyEscape = false;
            else if (code === 0x5c /* \ */) keyEscape = true;
            else if (code === 0x22) break;
            i++;
          }
          keyParts.push(text.slice(start, i));
          if (i < length) {
            try {
              key = JSON.parse(`"${keyParts.join("")}"`) as string;
            } catch {
              key = keyParts.join("");
            }
            mode = "expect-colon";
            i++;
          }
          continue;
        }
        case "expect-colon": {
          const code = text.charCodeAt(i);
          i++;
          if (code === 0x3a /* : */) mode = "expect-value";
          continue;
        }
        case "expect-value": {
          const code = text.charCodeAt(i);
          if (WHITESPACE.has(code)) {
            i++;
            continue;
          }
          if (code === 0x5b /* [ */) {
            inArray = true;
            index = 0;
            mode = "array-expect-element";
            i++;
            continue;
          }
          inArray = false;
          beginCapture(code);
          continue;
        }
        case "array-expect-element": {
          const code = text.charCodeAt(i);
          if (WHITESPACE.has(code) || code === 0x2c) {
            i++;
            continue;
          }
          if (code === 0x5d /* ] */) {
            inArray = false;
            mode = "expect-key";
            i++;
            continue;
          }
          beginCapture(code);
          continue;
        }
        case "capture": {
          const start = i;
          let ended = false;
          while (i < length) {
            const code = text.charCodeAt(i);
            if (inString) {
              if (escape) escape = false;
              else if (code === 0x5c) escape = true;
              else if (code === 0x22) inString = false;
              i++;
              continue;
            }
            if (code === 0x22) {
              inString = true;
              i++;
              continue;
            }
            if (primitive && depth === 0) {
              // A bracket that closes the enclosing array or object ends the primitive; a stray
              // one of the other kind is part of the garbage (and so cannot stall the reader).
              if (code === 0x2c || (inArray ? code === 0x5d : code === 0x7d)) {
                ended = true;
                break;
              }
              if (code === 0x7b || code === 0x5b) depth++;
              i++;
              continue;
            }
            if (code === 0x7b || code === 0x5b) depth++;
            else if (code === 0x7d || code === 0x5d) {
              depth--;
              if (depth === 0 && !primitive) {
                i++;
                ended = true;
                break;
              }
            }
            i++;
          }
          keep(text.slice(start, i));
          if (ended) {
            finishCapture();
            // A primitive that ended at `]` or `}` leaves that bracket to the outer state.
            mode = inArray ? "array-expect-element" : "expect-key";
          }
          continue;
        }
      }
    }
  }

  function beginCapture(code: number): void {
    mode = "capture";
    parts = [];
    captured = 0;
    oversize = false;
    inString = false;
    escape = false;
    primitive = code !== 0x7b && code !== 0x5b;
    depth = 0;
  }

  for await (const chunk of chunks) {
    process(typeof chunk === "string" ? chunk : decoder.write(chunk));
    while (pending.length > 0) yield pending.shift()!;
    if (mode === "invalid") return;
    if (mode === "done") return;
  }
  process(decoder.end());
  while (pending.length > 0) yield pending.shift()!;
  if (mode === "done" || mode === "invalid") return;
  if (mode === "start") {
    yield { type: "invalid", reason: "the file is empty" };
    return;
  }
  yield { type: "truncated", key: mode === "expect-key" ? null : key, index: inArray ? index : null };
}
