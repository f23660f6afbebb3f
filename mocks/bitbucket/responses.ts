/**
 * Bitbucket-shaped responses: the error envelope and the special bodies (text/plain 401 for
 * passwords, 429, 410 CHANGE-2770) as observed on bitbucket.org.
 */
import type { SandboxKnobs } from "./state";

const JSON_TYPE = "application/json; charset=utf-8";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

export function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain", ...headers } });
}

export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });
}

/** Bitbucket's error envelope: {"type":"error","error":{"message", "detail"?, ...}}. */
export function bitbucketError(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ type: "error", error: { message, ...extra } }, status, headers);
}

export const MESSAGES = {
  invalidCredentials: "Invalid credentials.",
  tokenExpired: "Access token expired. Use your refresh token to obtain a new access token.",
  repositoryNotFound:
    "You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.",
  invalidPagelen: "Invalid pagelen",
  invalidPage: "Invalid page",
  missingScope: "Your credentials lack one or more required privilege scopes.",
  authenticationRequired: "This API is only accessible with the following authentication types: session, api_token, oauth",
  notFound: "Resource not found",
  workspaceNotFound: (workspace: string) => `No workspace with identifier '${workspace}'.`,
} as const;

/** What Bitbucket answers Basic auth with anything but an email + API token (e.g. an app password). */
export const PASSWORD_REJECTED_TEXT = [
  "Login failed due to incorrect login credentials or method.",
  "App passwords were removed on July 28, 2026. Use an API token with your Atlassian account email instead.",
  "For information on authentication methods for Bitbucket Cloud APIs, visit:",
  "    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication",
  "",
].join("\n");

export const BASIC_REALM = 'Basic realm="Bitbucket.org HTTP"';

export function passwordRejected(): Response {
  return text(PASSWORD_REJECTED_TEXT, 401, { "WWW-Authenticate": BASIC_REALM });
}

export function tokenExpired(): Response {
  return bitbucketError(401, MESSAGES.tokenExpired);
}

export function invalidCredentials(): Response {
  return bitbucketError(401, MESSAGES.invalidCredentials);
}

export const RATE_LIMIT_TEXT = "Rate limit for this resource has been exceeded";

export function rateLimited(knobs: SandboxKnobs): Response {
  // Bitbucket sends no Retry-After; X-RateLimit-Reset is the number of SECONDS until the reset.
  return text(RATE_LIMIT_TEXT, 429, {
    "X-RateLimit-Limit": String(knobs.rateLimitLimit),
    "X-RateLimit-Reset": String(knobs.rateLimitResetSeconds),
  });
}

export function serverError(id: string): Response {
  return bitbucketError(500, "Something went wrong. Please try again later.", { id });
}

export const CHANGE_2770_URL = "https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770";

/** The cross-workspace endpoints removed by CHANGE-2770 (April 2026). */
export function change2770Gone(): Response {
  const data = { announcement_url: CHANGE_2770_URL };
  return json(
    {
      type: "error",
      error: { message: "CHANGE-2770 - Functionality has been deprecated", detail: "Please read the changelog entry for more details.", data },
      data,
    },
    410,
  );
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}
