/**
 * The sandbox as msw 2 request handlers: used directly by unit tests (setupServer) and, via
 * getResponse, by the real HTTP server (server.ts). Base URLs are parameters so the same
 * handlers serve https://bitbucket.org + https://api.bitbucket.org or one local origin.
 */
import { http, type HttpHandler } from "msw";
import { queryObject } from "../common/request-log";
import { handleAdmin } from "./admin";
import { errorResponse, routeApi } from "./api";
import { authenticateApi, callerNickname, type Caller } from "./auth";
import { authorizeGit, matchGitRoute } from "./git-access";
import { handleLfsBatch, handleLfsDownload, matchLfsRoute } from "./lfs";
import { accessToken, authorize } from "./oauth";
import { avatarSvg, errorPage, repositoryPage } from "./pages";
import { MESSAGES, bitbucketError, html, rateLimited, serverError, text } from "./responses";
import { Serializer, type SandboxUrls } from "./serialize";
import type { SandboxState } from "./state";

export type BitbucketHandlerOptions = SandboxUrls;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function logRequest(state: SandboxState, method: string, url: URL, status: number, account: string | null): void {
  state.logRequest({ method, path: url.pathname, query: queryObject(url.searchParams), status, account });
}

let errorCounter = 0;

/** One /2.0 request: latency, injected 429/5xx, then the route; logged with its final status. */
export async function handleApiRequest(state: SandboxState, ser: Serializer, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const caller: Caller = authenticateApi(state, request.headers.get("authorization"));
  let response: Response;
  try {
    if (state.knobs.latencyMs > 0) await sleep(state.knobs.latencyMs);
    const fault = state.nextFault();
    if (fault === "429") response = rateLimited(state.knobs);
    else if (fault === "5xx") response = serverError(`sandbox-${(++errorCounter).toString(16).padStart(8, "0")}`);
    else if (state.knobs.brokenPaths.some((pattern) => new RegExp(pattern).test(url.pathname))) response = Response.json({ values: 42, next: 7 });
    else response = await routeApi(state, ser, request, url, caller);
  } catch (error) {
    response = errorResponse(error);
  }
  logRequest(state, request.method, url, response.status, callerNickname(caller));
  return response;
}

/** Web origin except /_sandbox: OAuth, Git LFS, git (authorization only), repository pages. */
export async function handleWebRequest(state: SandboxState, ser: Serializer, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/favicon.ico") {
    // Browsers ask for it on every page; not worth a log entry.
    return new Response(avatarSvg("Bitbucket", 0), { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" } });
  }
  let response: Response;
  let account: string | null = null;
  try {
    const path = url.pathname;
    const lfsRoute = matchLfsRoute(path);
    if (path === "/site/oauth2/authorize" || path === "/site/oauth2/authorize/") {
      const result = await authorize(state, ser, request, url);
      response = result.response;
      account = result.account?.nickname ?? null;
    } else if (path === "/site/oauth2/access_token" || path === "/site/oauth2/access_token/") {
      const result = await accessToken(state, request);
      response = result.response;
      account = result.account?.nickname ?? null;
    } else if (lfsRoute) {
      if (lfsRoute.kind === "batch") {
        const result = await handleLfsBatch(state, ser, request, lfsRoute);
        response = result.response;
        account = callerNickname(result.caller);
      } else {
        const result = handleLfsDownload(state, request, lfsRoute);
        response = result.response;
        account = result.account;
      }
    } else {
      const gitRoute = matchGitRoute(path, url.searchParams);
      if (gitRoute) {
        // The msw handlers decide access exactly like the server; the server then runs git http-backend.
        const decision = authorizeGit(state, gitRoute, request.headers.get("authorization"));
        account = callerNickname(decision.caller);
        response = decision.allowed
          ? text("Git smart HTTP is served by the sandbox server (npm run sandbox:bitbucket / startSandboxServer), not by the msw handlers.\n", 501)
          : decision.response;
      } else {
        response = webPage(state, ser, request, path);
      }
    }
  } catch (error) {
    response = errorResponse(error);
  }
  logRequest(state, request.method, url, response.status, account);
  return response;
}

function webPage(state: SandboxState, ser: Serializer, request: Request, path: string): Response {
  const notFound = () =>
    html(errorPage("Repository not found", "This page does not exist, or it is private (the sandbox has no web login: private repositories are only reachable through the API and git)."), 404);
  if (request.method !== "GET") return notFound();
  const match = /^\/([^/]+)\/([^/]+?)\/?$/.exec(path);
  if (!match) return notFound();
  const repository = state.repository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
  if (!repository || repository.is_private) return notFound();
  return html(
    repositoryPage({
      fullName: `${repository.workspace}/${repository.slug}`,
      name: repository.name,
      description: repository.description,
      cloneUrl: ser.cloneUrl(repository, null),
      mainbranch: repository.mainbranch,
    }),
  );
}

/**
 * The sandbox's handlers for a state. `webUrl` serves OAuth, git and /_sandbox; `apiUrl` serves
 * /2.0. Both may be the same origin (the real server does that).
 */
export function createBitbucketHandlers(state: SandboxState, options: BitbucketHandlerOptions): HttpHandler[] {
  const ser = new Serializer(state, options);
  const { webUrl, apiUrl } = ser;
  const handlers: HttpHandler[] = [
    http.all(`${apiUrl}/2.0/*`, ({ request }) => handleApiRequest(state, ser, request)),
    http.all(`${webUrl}/_sandbox/*`, ({ request }) => handleAdmin(state, request, new URL(request.url))),
  ];
  if (new URL(apiUrl).origin !== new URL(webUrl).origin) {
    // Anything else on a separate API origin is an unknown API.
    handlers.push(
      http.all(`${apiUrl}/*`, ({ request }) => {
        const url = new URL(request.url);
        const response = bitbucketError(404, MESSAGES.notFound);
        logRequest(state, request.method, url, response.status, null);
        return response;
      }),
    );
  }
  handlers.push(http.all(`${webUrl}/*`, ({ request }) => handleWebRequest(state, ser, request)));
  return handlers;
}

export { Serializer };
