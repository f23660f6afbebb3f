import { z } from "zod";
import { isAppError } from "@/lib/errors";
import { findSnippet, lastGistsImport, listSnippets, snippetFileContents, snippetRawFile, startGistsImport } from "@/lib/snippets";
import { ApiError, notFound } from "../errors";
import { paginatedList, paginationQuery, pageOptions } from "../pagination";
import { apiId, apiString } from "../params";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeGistsImport, serializeSnippet } from "../serializers";

/**
 * GitHub gists → personal snippets, and the snippets API in GitLab's shapes. Errors of
 * `POST /import/github/gists` are `{"error": …}`: 401 when GitHub refuses the token ("Access
 * denied to your GitHub account."), 403 when GitHub imports are disabled, 422 "Import already in
 * progress" while the caller's previous gists import runs, 429 when GitHub's rate limit is
 * exhausted. A snippet the caller may not read is a 404, as a missing one.
 */

const startGistsImportRoute = apiRoute(
  { name: "start github gists import", access: "write", body: z.object({ personal_access_token: apiString().trim().min(1, { error: "is missing" }) }) },
  async ({ caller, body }) => {
    try {
      return apiResponse(serializeGistsImport(await startGistsImport(caller, { token: body.personal_access_token })), { status: 202 });
    } catch (error) {
      const status = isAppError(error) ? error.status : undefined;
      if (status === 429) throw new ApiError(429, { error: "Too Many Requests", message: (error as Error).message });
      if (status) throw new ApiError(status, { error: (error as Error).message });
      throw error;
    }
  },
);

const gistsImportStatus = apiRoute({ name: "github gists import status", access: "read" }, async ({ caller }) => serializeGistsImport(await lastGistsImport(caller.id)));

const listOwnSnippets = apiRoute({ name: "list snippets", access: "read", query: z.object(paginationQuery) }, async ({ request, caller, query }) =>
  paginatedList(request, await listSnippets(caller, { authorId: caller.id, ...pageOptions(query) }), (rows) => rows.map(serializeSnippet)),
);

async function readableSnippet(caller: Parameters<typeof findSnippet>[0], id: string) {
  const parsed = apiId().safeParse(id);
  const snippet = parsed.success ? await findSnippet(caller, parsed.data) : null;
  if (!snippet) throw notFound("Snippet");
  return snippet;
}

function rawResponse(content: Buffer | string, fileName: string): Response {
  return new Response(typeof content === "string" ? content : new Uint8Array(content), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `inline; filename="${fileName.replace(/[^\w.-]+/g, "_")}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}

const showSnippet = apiRoute({ name: "show snippet", access: "read", auth: "optional" }, async ({ caller, params }) => serializeSnippet(await readableSnippet(caller, params.id!)));

/** The first file's content, as GitLab answers for a snippet's raw URL. */
const snippetRaw = apiRoute({ name: "snippet raw", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const snippet = await readableSnippet(caller, params.id!);
  const first = snippet.files[0];
  const raw = first && snippet.defaultBranch ? await snippetRawFile(snippet, snippet.defaultBranch, first.path) : null;
  if (!raw) throw notFound("File");
  return rawResponse(raw.content, raw.file.path);
});

const snippetFileRaw = apiRoute({ name: "snippet file raw", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const snippet = await readableSnippet(caller, params.id!);
  const raw = await snippetRawFile(snippet, params.ref!, params.file_path!);
  if (!raw) throw notFound("File");
  return rawResponse(raw.content, raw.file.path);
});

export const snippetRoutes: ApiRoutes = {
  "/import/github/gists": { POST: startGistsImportRoute, GET: gistsImportStatus },
  "/snippets": { GET: listOwnSnippets },
  "/snippets/:id": { GET: showSnippet },
  "/snippets/:id/raw": { GET: snippetRaw },
  "/snippets/:id/files/:ref/:file_path/raw": { GET: snippetFileRaw },
};
