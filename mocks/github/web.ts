/**
 * The web origin besides the API: the Git LFS batch API and downloads, attachments linked from
 * bodies, gist raw files, the OAuth pages, and the admin endpoints under /_sandbox/.
 */
import { SandboxStateError } from "../common/state-error";
import { z } from "zod";
import { adminJson, handleCommonAdmin, jsonBody } from "../common/admin";
import { batchDownloadResponse, downloadBearer, lfsJson, lfsTokensFor, objectResponse, parseBatchRequest } from "../common/lfs";
import { hashString } from "../common/random";
import { callerLogin, githubError, githubJson } from "./api";
import { minimumImportRequests, minimumSyncRequests } from "./budget";
import { changesBody } from "./changes";
import { authorizeGit } from "./git";
import type { GithubState } from "./state";

const LFS_DOCS = "https://docs.github.com/repositories/working-with-files/managing-large-files";
const lfsError = (status: number, message: string, headers: Record<string, string> = {}) => lfsJson({ message, documentation_url: LFS_DOCS }, status, headers);

const BATCH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/info\/lfs\/objects\/batch$/;
const DOWNLOAD = /^\/_lfs\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/;


export interface WebResult {
  readonly response: Response;
  readonly account: string | null;
}

async function lfsBatch(state: GithubState, request: Request, owner: string, name: string, web: string): Promise<WebResult> {
  const decision = authorizeGit(state, { kind: "repository", owner, name, action: "/info/refs", service: "git-upload-pack" }, request.headers.get("authorization"));
  const account = callerLogin(decision.caller);
  if (!decision.allowed) {
    const challenge = decision.response.headers.get("www-authenticate");
    const headers: Record<string, string> = challenge ? { "WWW-Authenticate": challenge, "LFS-Authenticate": challenge } : {};
    const status = decision.response.status;
    return { response: lfsError(status, status === 401 ? "Authentication required." : "Repository not found.", headers), account };
  }
  if (request.method !== "POST") return { response: lfsError(405, "Use POST for the batch API.", { Allow: "POST" }), account };
  const body = await parseBatchRequest(request);
  if (typeof body === "string") return { response: lfsError(422, body), account };
  if (body.operation === "upload") return { response: lfsError(403, "The GitHub sandbox is read-only: LFS uploads are not supported."), account };
  const repo = decision.repo!;
  const content = state.content(repo);
  const response = batchDownloadResponse(
    body.objects,
    (oid) => content.lfs.get(oid),
    (object) => ({ href: `${web}/_lfs/${repo.owner}/${repo.name}/${object.oid}`, token: lfsTokensFor(state).issue(`${repo.owner}/${repo.name}`, object.oid, account) }),
  );
  return { response, account };
}

function lfsDownload(state: GithubState, request: Request, owner: string, name: string, oid: string): WebResult {
  const bearer = downloadBearer(request);
  if (!bearer) return { response: lfsError(401, "Missing download token: use the header from the batch API's actions.download."), account: null };
  const verdict = lfsTokensFor(state).verify(bearer, `${owner}/${name}`, oid);
  if (!verdict.ok) return { response: lfsError(401, verdict.message), account: null };
  const repo = state.repository(owner, name);
  const object = repo ? state.content(repo).lfs.get(oid) : undefined;
  if (!object) return { response: lfsError(404, "Object does not exist."), account: verdict.account };
  return { response: objectResponse(request, object), account: verdict.account };
}

function attachment(state: GithubState, path: string): Response | null {
  if (!path.startsWith("/user-attachments/") && !path.startsWith("/user-images/")) return null;
  for (const repo of state.repositories) {
    if (repo.content !== "showcase") continue;
    const found = state.content(repo).attachments.find((candidate) => candidate.path === path);
    if (found) return new Response(new Uint8Array(found.bytes()), { headers: { "Content-Type": found.contentType, "Cache-Control": "max-age=2592000" } });
  }
  return new Response("Not Found\n", { status: 404, headers: { "Content-Type": "text/plain" } });
}

// --- OAuth -------------------------------------------------------------------------------------

const escape = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function consentPage(state: GithubState, params: URLSearchParams, action: string): string {
  const hidden = ["client_id", "redirect_uri", "state", "scope"].map((name) => `<input type="hidden" name="${name}" value="${escape(params.get(name) ?? "")}">`).join("");
  const choices = state.accounts
    .filter((account) => account.token)
    .map((account, i) => `<label><input type="radio" name="account" value="${account.id}"${i === 0 ? " checked" : ""}> ${escape(account.name)} (@${escape(account.login)})</label><br>`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize application — GitHub sandbox</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>Authorize Ferry</h1><p>Ferry wants to access your GitHub account (scopes: ${escape(params.get("scope") ?? "none")}).</p>
<form method="post" action="${escape(action)}">${hidden}
<fieldset><legend>Sign in as</legend>
${choices}
</fieldset>
<button type="submit" name="decision" value="grant">Authorize</button> <button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>`;
}

async function formOrJson(request: Request): Promise<URLSearchParams> {
  const body = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("json")) {
    const parsed = z.record(z.string(), z.union([z.string(), z.number()])).safeParse(JSON.parse(body || "{}"));
    return new URLSearchParams(parsed.success ? Object.entries(parsed.data).map(([key, value]) => [key, String(value)]) : []);
  }
  return new URLSearchParams(body);
}

async function authorize(state: GithubState, request: Request, url: URL): Promise<WebResult> {
  if (request.method === "GET") {
    if (url.searchParams.get("client_id") !== state.oauthClient.id) return { response: new Response("Unknown client_id\n", { status: 404 }), account: null };
    return { response: new Response(consentPage(state, url.searchParams, url.pathname), { headers: { "Content-Type": "text/html; charset=utf-8" } }), account: null };
  }
  const form = await formOrJson(request);
  const redirect = new URL(form.get("redirect_uri") || "http://127.0.0.1/");
  if (form.get("state")) redirect.searchParams.set("state", form.get("state")!);
  const account = state.account(Number(form.get("account")));
  if (form.get("decision") !== "grant" || !account) {
    redirect.searchParams.set("error", "access_denied");
    redirect.searchParams.set("error_description", "The user has denied your application access.");
    return { response: new Response(null, { status: 302, headers: { Location: redirect.toString() } }), account: null };
  }
  redirect.searchParams.set("code", state.createAuthorizationCode(account.id, form.get("redirect_uri")));
  return { response: new Response(null, { status: 302, headers: { Location: redirect.toString() } }), account: account.login };
}

async function accessToken(state: GithubState, request: Request): Promise<WebResult> {
  const form = await formOrJson(request);
  const wantsJson = (request.headers.get("accept") ?? "").includes("json");
  const answer = (body: Record<string, string>) =>
    wantsJson ? githubJson(body) : new Response(new URLSearchParams(body).toString(), { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" } });
  if (form.get("client_id") !== state.oauthClient.id || form.get("client_secret") !== state.oauthClient.secret) {
    return { response: answer({ error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." }), account: null };
  }
  const code = state.authorizationCodes.get(form.get("code") ?? "");
  if (!code || code.expiresAt <= state.now()) return { response: answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." }), account: null };
  state.authorizationCodes.delete(form.get("code")!);
  const account = state.account(code.accountId)!;
  return { response: answer({ access_token: state.issueToken(account.id), token_type: "bearer", scope: "repo,read:org,gist,read:user" }), account: account.login };
}

// --- admin -------------------------------------------------------------------------------------

const loginBody = z.object({ login: z.string().min(1) });

function publicAccount(state: GithubState, id: number) {
  const account = state.account(id)!;
  return { id: account.id, login: account.login, name: account.name, email: account.email, token: account.token || null, previous_logins: account.previous_logins ?? [] };
}

async function admin(state: GithubState, request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "").replace(/^\/_sandbox/, "");
  const method = request.method;
  try {
    const shared = await handleCommonAdmin(state, request, path, url);
    if (shared) return shared;
    if (path === "/accounts" && method === "GET") return adminJson(state.accounts.map((account) => publicAccount(state, account.id)));
    const rename = /^\/accounts\/([^/]+)\/rename$/.exec(path);
    if (rename && method === "POST") {
      const { login } = loginBody.parse(await jsonBody(request));
      return adminJson(publicAccount(state, state.renameAccount(decodeURIComponent(rename[1]!), login).id));
    }
    if ((path === "/tokens" || path === "/tokens/revoke" || path === "/rate-limit") && method === "POST") {
      const body = loginBody.extend({ remaining: z.number().int().min(0).optional(), resetInSeconds: z.number().int().min(0).optional() }).parse(await jsonBody(request));
      const account = state.accountByLogin(body.login);
      if (!account) return githubError(404, `No account '${body.login}'.`);
      if (path === "/tokens") return adminJson({ access_token: state.issueToken(account.id), token_type: "bearer" });
      if (path === "/tokens/revoke") return adminJson({ revoked: state.revokeTokensOf(account.id) });
      const bucket = state.setRateLimit(body.login, body);
      return adminJson({ limit: state.knobs.rateLimitLimit, used: bucket.used, reset: bucket.resetAt });
    }
    const changes = /^\/repositories\/([^/]+)\/([^/]+)\/changes$/.exec(path);
    if (changes && method === "POST") {
      const repo = state.repository(decodeURIComponent(changes[1]!), decodeURIComponent(changes[2]!));
      if (!repo) return githubError(404, "Repository not found.");
      return adminJson({ applied: state.changeRepository(repo, changesBody.parse(await jsonBody(request)).changes) });
    }
    if (path === "/reset" && method === "POST") {
      state.reset();
      return new Response(null, { status: 204 });
    }
    if (path === "/budget" && method === "GET") {
      const [owner, name] = (url.searchParams.get("repository") ?? "").split("/");
      const repo = owner && name ? state.repository(owner, name) : undefined;
      if (!repo) return githubError(404, "Unknown repository: pass ?repository=owner/name");
      const perPage = Number(url.searchParams.get("per_page") ?? "100");
      const since = url.searchParams.get("since");
      return adminJson(since ? minimumSyncRequests(state, repo, { since, perPage }) : minimumImportRequests(state, repo, { perPage }));
    }
    const raw = /^\/gists\/([0-9a-f]{32})\/raw\/(.+)$/.exec(path);
    if (raw && method === "GET") {
      const gist = state.gist(raw[1]!);
      const file = gist?.revisions[gist.revisions.length - 1]!.files.find((candidate) => candidate.filename === decodeURIComponent(raw[2]!));
      if (!file) return githubError(404, "Not Found");
      return new Response(file.content, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    const avatar = /^\/avatars\/(\d+)\.svg$/.exec(path);
    if (avatar && method === "GET") {
      const id = Number(avatar[1]);
      const label = (state.account(id)?.login ?? state.orgs.find((org) => org.id === id)?.login ?? "?").slice(0, 2).toUpperCase();
      const color = ["#0969da", "#1a7f37", "#cf222e", "#8250df", "#bf8700"][hashString(String(id)) % 5];
      return new Response(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="${color}"/><text x="32" y="40" font-size="24" text-anchor="middle" fill="#fff" font-family="sans-serif">${escape(label)}</text></svg>`, {
        headers: { "Content-Type": "image/svg+xml" },
      });
    }
    return githubError(404, `No sandbox endpoint ${method} /_sandbox${path}`);
  } catch (error) {
    if (error instanceof z.ZodError) return githubError(400, error.issues.map((issue) => issue.message).join("; "));
    if (error instanceof SandboxStateError) return githubError(error.status, error.message);
    throw error;
  }
}

/** Everything on the web origin except git smart HTTP and the API; null when nothing matches. */
export async function handleWebRequest(state: GithubState, request: Request, web: string): Promise<WebResult | null> {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path.startsWith("/_sandbox/")) return { response: await admin(state, request, url), account: null };
  const batch = BATCH.exec(path);
  if (batch) return lfsBatch(state, request, decodeURIComponent(batch[1]!), decodeURIComponent(batch[2]!), web);
  const download = DOWNLOAD.exec(path);
  if (download) return lfsDownload(state, request, decodeURIComponent(download[1]!), decodeURIComponent(download[2]!), download[3]!);
  if (path === "/login/oauth/authorize") return authorize(state, request, url);
  if (path === "/login/oauth/access_token") return accessToken(state, request);
  const file = attachment(state, path);
  if (file) return { response: file, account: null };
  return null;
}
