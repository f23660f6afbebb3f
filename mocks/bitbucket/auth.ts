/**
 * Who is calling: the one place that turns an Authorization header into an account, for
 * the REST API and for git over HTTP (the msw handlers and the server's git route use it).
 */
import type { AccessTokenRecord, SandboxAccount, SandboxState } from "./state";

export type CredentialKind = "oauth" | "api_token";

export type Caller =
  | { kind: "anonymous" }
  | { kind: "authenticated"; account: SandboxAccount; credential: CredentialKind; token?: AccessTokenRecord }
  /** Credentials were sent but are not acceptable; `reason` selects Bitbucket's answer. */
  | { kind: "rejected"; reason: "expired" | "invalid_token" | "bad_password" };

export function parseBasic(header: string): { username: string; password: string } | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function checkAccessToken(state: SandboxState, token: string): Caller {
  const record = state.accessTokens.get(token);
  if (!record || record.revoked) return { kind: "rejected", reason: "invalid_token" };
  const account = state.accountByUuid(record.accountUuid);
  if (!account) return { kind: "rejected", reason: "invalid_token" };
  if (record.expiresAt <= state.now()) return { kind: "rejected", reason: "expired" };
  return { kind: "authenticated", account, credential: "oauth", token: record };
}

/**
 * REST API: `Bearer <OAuth access token>` or Basic `<email>:<API token>`. Anything else sent as
 * Basic (usernames with app passwords, which Bitbucket removed on 2026-07-28) is rejected.
 */
export function authenticateApi(state: SandboxState, authorization: string | null): Caller {
  if (!authorization || !authorization.trim()) return { kind: "anonymous" };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return checkAccessToken(state, bearer[1]!);
  const basic = parseBasic(authorization);
  if (basic && basic.username.includes("@")) {
    const account = state.accountByEmail(basic.username);
    if (account && account.apiToken === basic.password) return { kind: "authenticated", account, credential: "api_token" };
  }
  return { kind: "rejected", reason: "bad_password" };
}

/**
 * Git over HTTP: Basic `x-token-auth:<OAuth access token>`, `x-bitbucket-api-token-auth:<API token>`,
 * or `<nickname or email>:<API token>`.
 */
export function authenticateGit(state: SandboxState, authorization: string | null): Caller {
  if (!authorization || !authorization.trim()) return { kind: "anonymous" };
  const basic = parseBasic(authorization);
  if (!basic) return { kind: "rejected", reason: "bad_password" };
  const { username, password } = basic;
  if (username === "x-token-auth") return checkAccessToken(state, password);
  const account =
    username === "x-bitbucket-api-token-auth"
      ? state.accounts.find((candidate) => candidate.apiToken === password)
      : username.includes("@")
        ? state.accountByEmail(username)
        : state.accountByNickname(username);
  if (account && account.apiToken === password) return { kind: "authenticated", account, credential: "api_token" };
  return { kind: "rejected", reason: "bad_password" };
}

export function callerNickname(caller: Caller): string | null {
  return caller.kind === "authenticated" ? caller.account.nickname : null;
}

export function callerAccount(caller: Caller): SandboxAccount | null {
  return caller.kind === "authenticated" ? caller.account : null;
}
