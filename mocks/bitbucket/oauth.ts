/**
 * OAuth 2.0 on the web origin: /site/oauth2/authorize (consent page + decision) and
 * /site/oauth2/access_token (authorization_code, refresh_token, client_credentials grants).
 */
import { parseBasic } from "./auth";
import { consentPage, errorPage } from "./pages";
import { html, json } from "./responses";
import type { Serializer } from "./serialize";
import { SANDBOX_ACCOUNTS } from "./seed";
import type { SandboxAccount, SandboxState } from "./state";

export interface OAuthResult {
  readonly response: Response;
  /** The account the request acted for, for the request log. */
  readonly account: SandboxAccount | null;
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return json({ error, error_description: description }, status, { "Cache-Control": "no-store", ...headers });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function redirect(target: string, params: Record<string, string | null>): Response {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return new Response(null, { status: 302, headers: { Location: url.toString(), "Cache-Control": "no-store" } });
}

async function formOf(request: Request): Promise<URLSearchParams> {
  const body = await request.text();
  return new URLSearchParams(body);
}

/** Checks client_id (and the redirect_uri) of an authorize request; returns an error page or the redirect target. */
function checkClient(state: SandboxState, clientId: string | null, redirectUri: string | null): { error: Response } | { target: string } {
  if (!clientId || clientId !== state.consumer.key) {
    return {
      error: html(
        errorPage("Invalid client_id", `No OAuth consumer with the key '${clientId ?? ""}' exists. Check client_id (the sandbox consumer is '${state.consumer.key}').`),
        400,
      ),
    };
  }
  if (redirectUri !== null && !isHttpUrl(redirectUri)) {
    return { error: html(errorPage("Invalid redirect_uri", `redirect_uri must be an http(s) URL, got '${redirectUri}'.`), 400) };
  }
  return { target: redirectUri ?? state.consumer.callbackUrl };
}

export async function authorize(state: SandboxState, ser: Serializer, request: Request, url: URL): Promise<OAuthResult> {
  if (request.method === "GET") {
    const params = url.searchParams;
    const checked = checkClient(state, params.get("client_id"), params.get("redirect_uri"));
    if ("error" in checked) return { response: checked.error, account: null };
    const responseType = params.get("response_type");
    if (responseType !== "code") {
      return {
        response: redirect(checked.target, {
          error: "unsupported_response_type",
          error_description: `Unsupported response_type '${responseType ?? ""}'; the sandbox supports 'code'.`,
          state: params.get("state"),
        }),
        account: null,
      };
    }
    const hidden: Record<string, string> = { client_id: state.consumer.key, response_type: "code" };
    for (const key of ["state", "redirect_uri", "scope"]) {
      const value = params.get(key);
      if (value !== null) hidden[key] = value;
    }
    const body = consentPage({
      action: ser.web("/site/oauth2/authorize"),
      consumerName: state.consumer.name,
      scopes: state.consumer.scopes,
      accounts: state.accounts,
      selected: SANDBOX_ACCOUNTS.alice.uuid, // alice is the demo user
      hidden,
    });
    return { response: html(body, 200, { "Cache-Control": "no-store" }), account: null };
  }
  if (request.method !== "POST") return { response: new Response(null, { status: 405, headers: { Allow: "GET, POST" } }), account: null };

  const form = await formOf(request);
  const checked = checkClient(state, form.get("client_id"), form.get("redirect_uri"));
  if ("error" in checked) return { response: checked.error, account: null };
  const stateParam = form.get("state");
  if (form.get("decision") === "deny") {
    return {
      response: redirect(checked.target, { error: "access_denied", error_description: "The user denied access.", state: stateParam }),
      account: null,
    };
  }
  const account = state.accountByUuid(form.get("account") ?? "") ?? null;
  if (!account) return { response: html(errorPage("Choose an account", "Select the account to authorize Ferry for."), 400), account: null };
  const code = state.createAuthorizationCode(account.uuid, form.get("redirect_uri"));
  return { response: redirect(checked.target, { code: code.code, state: stateParam }), account };
}

export async function accessToken(state: SandboxState, request: Request): Promise<OAuthResult> {
  if (request.method !== "POST") return { response: oauthError(405, "invalid_request", "Use POST."), account: null };
  const form = await formOf(request);
  const basic = parseBasic(request.headers.get("authorization") ?? "");
  const clientId = basic?.username ?? form.get("client_id");
  const clientSecret = basic?.password ?? form.get("client_secret");
  if (clientId !== state.consumer.key || clientSecret !== state.consumer.secret) {
    return {
      response: oauthError(401, "invalid_client", "Invalid OAuth client credentials", { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' }),
      account: null,
    };
  }
  const grantType = form.get("grant_type");
  const now = state.now();
  const tokenBody = (access: { token: string; scopes: readonly string[]; expiresAt: number }, refreshToken: string, grant: string) =>
    json(
      {
        access_token: access.token,
        scopes: access.scopes.join(" "),
        expires_in: Math.round((access.expiresAt - now) / 1000),
        token_type: "bearer",
        state: grant,
        refresh_token: refreshToken,
      },
      200,
      { "Cache-Control": "no-store" },
    );

  if (grantType === "authorization_code") {
    const code = state.authorizationCodes.get(form.get("code") ?? "");
    if (!code || code.clientId !== clientId) return { response: oauthError(400, "invalid_grant", "The specified code is not valid."), account: null };
    if (code.used) return { response: oauthError(400, "invalid_grant", "The specified code has already been used."), account: null };
    if (code.expiresAt <= now) return { response: oauthError(400, "invalid_grant", "The specified code has expired."), account: null };
    if (code.redirectUri !== null && form.get("redirect_uri") !== code.redirectUri) {
      return { response: oauthError(400, "invalid_grant", "redirect_uri does not match the one used in the authorization request."), account: null };
    }
    code.used = true;
    const account = state.accountByUuid(code.accountUuid) ?? null;
    const { access, refresh } = state.issueTokens(code.accountUuid);
    return { response: tokenBody(access, refresh.token, "authorization_code"), account };
  }
  if (grantType === "refresh_token") {
    const refresh = state.refreshTokens.get(form.get("refresh_token") ?? "");
    if (!refresh || refresh.revoked || refresh.clientId !== clientId) {
      return { response: oauthError(400, "invalid_grant", "Invalid refresh_token"), account: null };
    }
    const access = state.refreshAccessToken(refresh);
    return { response: tokenBody(access, refresh.token, "refresh_token"), account: state.accountByUuid(refresh.accountUuid) ?? null };
  }
  if (grantType === "client_credentials") {
    const owner = state.accountByUuid(SANDBOX_ACCOUNTS[state.consumer.owner].uuid) ?? state.accounts[0]!;
    const { access, refresh } = state.issueTokens(owner.uuid);
    return { response: tokenBody(access, refresh.token, "client_credentials"), account: owner };
  }
  return {
    response: oauthError(400, "unsupported_grant_type", `Unsupported grant_type '${grantType ?? ""}'.`),
    account: null,
  };
}
