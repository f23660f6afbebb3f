/** Request helpers for tests that talk to the Bitbucket sandbox over HTTP. */
import { SANDBOX_ACCOUNTS, type SandboxNickname } from "@/mocks/bitbucket/seed";
import type { SandboxState } from "@/mocks/bitbucket/state";

export const WEB = "https://bitbucket.org";
export const API = "https://api.bitbucket.org";

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Basic auth header with an account's email and API token. */
export function apiTokenAuth(nickname: SandboxNickname): string {
  const account = SANDBOX_ACCOUNTS[nickname];
  return basic(account.email, account.apiToken);
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export function bearerFor(state: SandboxState, nickname: string): string {
  return bearer(state.grantTokensFor(nickname).accessToken);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Walks `next` links from a first page URL and returns all values and the page URLs visited. */
export async function collectPages<T = Record<string, unknown>>(
  firstUrl: string,
  headers: Record<string, string> = {},
): Promise<{ values: T[]; urls: string[] }> {
  const values: T[] = [];
  const urls: string[] = [];
  let next: string | undefined = firstUrl;
  while (next) {
    urls.push(next);
    const response = await fetch(next, { headers });
    if (response.status !== 200) throw new Error(`GET ${next} -> ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { values: T[]; next?: string };
    values.push(...page.values);
    next = page.next;
    if (urls.length > 1000) throw new Error("too many pages");
  }
  return { values, urls };
}
