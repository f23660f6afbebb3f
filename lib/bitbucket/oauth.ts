/**
 * Bitbucket Cloud OAuth 2.0 (authorization code grant) against
 * `{webUrl}/site/oauth2/...`, e.g. https://bitbucket.org.
 *
 * Token requests are POSTs and are not retried: an authorization code is
 * single-use, and the caller's single-flight refresh decides about retrying.
 */
import { z } from "zod";
import { BitbucketOAuthError, BitbucketResponseError, errorFromResponse, parseErrorBody } from "./errors";
import { DEFAULT_TIMEOUT_MS, basicAuthorization, send, type FetchLike } from "./http";

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Computed from `expires_in`, measured from when the request was sent. */
  expiresAt: Date;
  scopes: string[];
  /** "bearer" */
  tokenType: string;
}

export interface OAuthClientOptions {
  /** Bitbucket's web URL, e.g. https://bitbucket.org or the sandbox URL. */
  webUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The URL to send the browser to; Bitbucket redirects back with `code` and `state`. */
export function authorizationUrl(options: { webUrl: string; clientId: string; state: string; redirectUri?: string }): string {
  const url = new URL(`${normaliseWebUrl(options.webUrl)}/site/oauth2/authorize`);
  url.searchParams.set("client_id", options.clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("state", options.state);
  if (options.redirectUri) url.searchParams.set("redirect_uri", options.redirectUri);
  return url.href;
}

export async function exchangeAuthorizationCode(
  options: OAuthClientOptions & { code: string; redirectUri: string },
): Promise<OAuthTokens> {
  return tokenRequest(options, { grant_type: "authorization_code", code: options.code, redirect_uri: options.redirectUri }, null);
}

/**
 * Fails with a BitbucketOAuthError; `invalid_grant` (revoked/expired refresh
 * token) sets `reconnectRequired` — see `isReconnectRequired`.
 */
export async function refreshAccessToken(options: OAuthClientOptions & { refreshToken: string }): Promise<OAuthTokens> {
  return tokenRequest(options, { grant_type: "refresh_token", refresh_token: options.refreshToken }, options.refreshToken);
}

const expiresIn = z.union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: expiresIn,
  token_type: z.string().optional(),
  /** Bitbucket says "scopes"; standard OAuth says "scope". Space separated. */
  scopes: z.string().optional(),
  scope: z.string().optional(),
});

async function tokenRequest(
  options: OAuthClientOptions,
  form: Record<string, string>,
  previousRefreshToken: string | null,
): Promise<OAuthTokens> {
  const url = `${normaliseWebUrl(options.webUrl)}/site/oauth2/access_token`;
  const method = "POST";
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sentAt = Date.now();
  const response = await send(fetchImpl, {
    method,
    url,
    headers: {
      Accept: "application/json",
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: basicAuthorization(options.clientId, options.clientSecret),
    },
    body: new URLSearchParams(form).toString(),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: options.signal,
  });

  if (response.status < 200 || response.status >= 300) {
    const body = parseErrorBody(response.bodyText);
    if (body.oauthError && response.status < 500) {
      throw new BitbucketOAuthError({
        status: response.status,
        method,
        url,
        error: body.oauthError,
        description: body.oauthDescription,
      });
    }
    throw errorFromResponse({ ...response, method, url });
  }

  let json: unknown;
  try {
    json = JSON.parse(response.bodyText);
  } catch {
    throw new BitbucketResponseError({
      message: "Bitbucket's token endpoint returned a body that is not JSON",
      status: response.status,
      method,
      url,
      issues: [{ field: "", message: "not JSON" }],
    });
  }
  const parsed = tokenResponseSchema.safeParse(json);
  const refreshToken = parsed.success ? (parsed.data.refresh_token ?? previousRefreshToken) : null;
  if (!parsed.success || refreshToken === null) {
    const issues = parsed.success
      ? [{ field: "refresh_token", message: "missing" }]
      : parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }));
    throw new BitbucketResponseError({
      message: `Bitbucket's token endpoint returned an unexpected response: ${issues[0]?.field}: ${issues[0]?.message}`,
      status: response.status,
      method,
      url,
      issues,
    });
  }
  const data = parsed.data;
  return {
    accessToken: data.access_token,
    refreshToken,
    expiresAt: new Date(sentAt + data.expires_in * 1000),
    scopes: (data.scopes ?? data.scope ?? "").split(/[\s,]+/).filter(Boolean),
    tokenType: data.token_type ?? "bearer",
  };
}

/** The Bitbucket web origin and base path without a trailing slash; refuses anything but a plain http(s) URL. */
export function normaliseWebUrl(webUrl: string): string {
  let url: URL;
  try {
    url = new URL(webUrl);
  } catch {
    throw new TypeError(`Bitbucket webUrl is not a valid URL: ${webUrl}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`Bitbucket webUrl must be http(s): ${webUrl}`);
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError("Bitbucket webUrl must not contain credentials, a query or a fragment");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
