/**
 * The Bitbucket Server sandbox as msw 2 handlers, used directly by unit tests (setupServer) and,
 * via getResponse, by the real server (server.ts): REST 1.0 under /rest/api/1.0, LFS, git
 * (authorization only: the server runs git http-backend) and /_sandbox.
 */
import { http, type HttpHandler } from "msw";
import { adminJson, handleCommonAdmin, jsonBody } from "../common/admin";
import { SandboxStateError } from "../common/state-error";
import { API_PREFIX, handleRestRequest, serverError } from "./api";
import { changesBody } from "./changes";
import { authorizeGit, handleLfsRequest, matchGitRoute } from "./git";
import type { BitbucketServerState } from "./state";

/** POST /_sandbox/repositories/{projectKey}/{slug}/changes {changes: [...]}: changes made at the source (changes.ts). */
async function handleChanges(state: BitbucketServerState, request: Request, path: string): Promise<Response | null> {
  const match = /^\/repositories\/([^/]+)\/([^/]+)\/changes$/.exec(path);
  if (!match || request.method !== "POST") return null;
  const repository = state.repository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
  if (!repository) return adminJson({ error: "Repository not found." }, 404);
  const body = changesBody.safeParse(await jsonBody(request));
  if (!body.success) return adminJson({ error: body.error.message }, 400);
  try {
    return adminJson({ applied: state.changeRepository(repository, body.data.changes) });
  } catch (error) {
    if (error instanceof SandboxStateError) return adminJson({ error: error.message }, error.status);
    throw error;
  }
}

async function answer(state: BitbucketServerState, request: Request, baseUrl: string): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/_sandbox/")) {
    const path = url.pathname.slice("/_sandbox".length);
    return (await handleCommonAdmin(state, request, path, url)) ?? (await handleChanges(state, request, path)) ?? adminJson({ error: `No sandbox endpoint ${url.pathname}` }, 404);
  }
  let result: { response: Response; account: string | null } | null = null;
  if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
    result = await handleRestRequest(state, request, url.pathname.slice(API_PREFIX.length) || "/", `${baseUrl}`);
  } else {
    result = await handleLfsRequest(state, request, url, baseUrl);
    const gitRoute = result ? null : matchGitRoute(url.pathname, url.searchParams);
    if (gitRoute) {
      const decision = authorizeGit(state, gitRoute, request.headers.get("authorization"));
      result = {
        response: decision.allowed ? new Response("Git smart HTTP is served by the sandbox server (npm run sandbox:bitbucket-server), not by the msw handlers.\n", { status: 501 }) : decision.response,
        account: decision.caller?.name ?? null,
      };
    }
  }
  result ??= { response: serverError(404, `Nothing at ${url.pathname}.`), account: null };
  state.logRequest(request.method, url, result.response.status, result.account);
  return result.response;
}

export function createBitbucketServerHandlers(state: BitbucketServerState, options: { baseUrl: string }): HttpHandler[] {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  return [http.all(`${baseUrl}/*`, ({ request }) => answer(state, request, baseUrl))];
}
