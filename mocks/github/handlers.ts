/**
 * The GitHub sandbox as msw 2 handlers, used directly by unit tests (setupServer) and, via
 * getResponse, by the real server (server.ts). The REST API is served at `apiUrl` (github.com
 * style: https://api.github.com) and under `{webUrl}/api/v3` (GitHub Enterprise Server style);
 * `webUrl` also serves git (authorization only: the server runs git http-backend), LFS,
 * attachments, OAuth and /_sandbox.
 */
import { http, type HttpHandler } from "msw";
import { callerLogin, githubError, handleApiRequest } from "./api";
import { authorizeGit, matchGitRoute } from "./git";
import type { GithubState } from "./state";
import { handleWebRequest } from "./web";

export interface GithubHandlerOptions {
  /** github.com-style API origin; the same as webUrl serves the API at the root. */
  readonly apiUrl: string;
  readonly webUrl: string;
}

const GHES_PREFIX = "/api/v3";

async function webRequest(state: GithubState, request: Request, webUrl: string): Promise<Response | null> {
  const url = new URL(request.url);
  if (url.pathname === GHES_PREFIX || url.pathname.startsWith(`${GHES_PREFIX}/`)) {
    return handleApiRequest(state, request, url.pathname.slice(GHES_PREFIX.length) || "/", { api: `${webUrl}${GHES_PREFIX}`, web: webUrl });
  }
  const gitRoute = matchGitRoute(url.pathname, url.searchParams);
  let result: { response: Response; account: string | null } | null;
  if (gitRoute) {
    const decision = authorizeGit(state, gitRoute, request.headers.get("authorization"));
    result = {
      response: decision.allowed ? new Response("Git smart HTTP is served by the sandbox server (npm run sandbox:github), not by the msw handlers.\n", { status: 501 }) : decision.response,
      account: callerLogin(decision.caller),
    };
  } else {
    result = await handleWebRequest(state, request, webUrl);
  }
  if (!result) return null;
  // Admin requests are not part of the log they serve.
  if (url.pathname.startsWith("/_sandbox/")) return result.response;
  state.logRequest(request.method, url, result.response.status, result.account);
  return result.response;
}

export function createGithubHandlers(state: GithubState, options: GithubHandlerOptions): HttpHandler[] {
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const webUrl = options.webUrl.replace(/\/+$/, "");
  const sameOrigin = new URL(apiUrl).origin === new URL(webUrl).origin;
  const api = http.all(`${apiUrl}/*`, ({ request }) => handleApiRequest(state, request, new URL(request.url).pathname, { api: apiUrl, web: webUrl }));
  // On one origin, whatever the web routes do not claim falls through to the API.
  const web = http.all(`${webUrl}/*`, async ({ request }) => (await webRequest(state, request, webUrl)) ?? (sameOrigin ? undefined : githubError(404, "Not Found")));
  return sameOrigin ? [web, api] : [api, web];
}
