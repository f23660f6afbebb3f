import { currentUser, type SessionUser } from "@/lib/auth";
import { config } from "@/lib/config";
import { scopesAllow, verifyPersonalAccessToken, type TokenAccess, type TokenScope } from "@/lib/tokens";
import { ApiError, unauthorized } from "./errors";

/** Who is calling the API, and how they proved it. Sessions carry every right the user has. */
export type ApiCaller = SessionUser & { via: "token" | "session"; scopes: readonly TokenScope[] | null };

/** The token from `PRIVATE-TOKEN: <token>` or `Authorization: Bearer <token>`; null when neither is sent. */
export function presentedToken(headers: Headers): string | null {
  const privateToken = headers.get("private-token")?.trim();
  if (privateToken) return privateToken;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return match ? match[1]! : null;
}

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

function hasSessionCookie(headers: Headers): boolean {
  const cookies = headers.get("cookie") ?? "";
  return SESSION_COOKIES.some((name) => cookies.split(";").some((part) => part.trim().startsWith(`${name}=`)));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A browser session may write only from Ferry's own pages: another site cannot make a signed-in
 * browser start imports (the session cookie would ride along with a cross-site form post).
 */
function sameOrigin(request: Request): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite) return fetchSite === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).origin === new URL(config().NEXTAUTH_URL).origin || new URL(origin).origin === new URL(request.url).origin;
  } catch {
    return false;
  }
}

const TOKEN_REFUSALS = {
  revoked: { error: "invalid_token", error_description: "Token was revoked. You have to re-authorize from the user." },
  expired: { error: "invalid_token", error_description: "Token is expired. You can either do re-authorization or token refresh." },
} as const;

/**
 * The caller of an API request: a personal access token when one is sent (an invalid one is a
 * 401, never a silent fallback), else the browser session, else null (anonymous).
 */
export async function authenticateApiRequest(request: Request): Promise<ApiCaller | null> {
  const token = presentedToken(request.headers);
  if (token !== null) {
    const result = await verifyPersonalAccessToken(token);
    if (!result.ok) {
      if (result.reason === "unknown") throw unauthorized();
      throw new ApiError(401, { ...TOKEN_REFUSALS[result.reason] });
    }
    return { ...result.user, via: "token", scopes: result.scopes };
  }
  if (!hasSessionCookie(request.headers)) return null;
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && !sameOrigin(request)) return null;
  const user = await currentUser();
  return user ? { ...user, via: "session", scopes: null } : null;
}

/** 403 in GitLab's words when a token lacks the scope the endpoint needs; sessions always pass. */
export function requireScope(caller: ApiCaller, access: TokenAccess): void {
  if (caller.scopes === null || scopesAllow(caller.scopes, access)) return;
  throw new ApiError(403, {
    error: "insufficient_scope",
    error_description: "The request requires higher privileges than provided by the access token.",
    scope: access === "write" ? "api" : "api read_api",
  });
}
