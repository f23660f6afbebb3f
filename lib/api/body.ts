import { ApiError, badRequest, payloadTooLarge } from "./errors";

/** Request bodies above this are refused with 413 unless an endpoint allows more. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type RequestParams = Record<string, unknown>;

/** Adds a form or query value; `key[]` (GitLab's array convention) and repeated keys become lists. */
function addParam(target: RequestParams, rawKey: string, value: unknown): void {
  const isList = rawKey.endsWith("[]");
  const key = isList ? rawKey.slice(0, -2) : rawKey;
  if (!key) return;
  const existing = target[key];
  if (existing === undefined) target[key] = isList ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[key] = [existing, value];
}

export function paramsFromSearch(search: URLSearchParams): RequestParams {
  const params: RequestParams = {};
  for (const [key, value] of search) addParam(params, key, value);
  return params;
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function parseJsonObject(text: string): RequestParams {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest("The request body must be a JSON object");
  return value as RequestParams;
}

/**
 * The parameters of a request body: JSON objects, `application/x-www-form-urlencoded` and
 * `multipart/form-data` (files arrive as `File`). A body without a content type is read as JSON
 * when it looks like an object, else as a form. Bodies above `maxBytes` are refused (413)
 * without being read further.
 */
export async function readBodyParams(request: Request, maxBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<RequestParams> {
  const bytes = await readCapped(request, maxBytes);
  if (bytes.byteLength === 0) return {};
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const mediaType = contentType.split(";")[0]!.trim();
  if (mediaType === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw badRequest("The multipart/form-data body could not be read");
    }
    const params: RequestParams = {};
    for (const [key, value] of form) addParam(params, key, value);
    return params;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("The request body is not valid UTF-8");
  }
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return parseJsonObject(text);
  if (mediaType === "application/x-www-form-urlencoded") return paramsFromSearch(new URLSearchParams(text));
  if (mediaType === "" || mediaType === "text/plain") {
    return text.trimStart().startsWith("{") ? parseJsonObject(text) : paramsFromSearch(new URLSearchParams(text));
  }
  throw new ApiError(415, { error: `415 Unsupported Media Type: send JSON, application/x-www-form-urlencoded or multipart/form-data (got ${mediaType})` });
}
