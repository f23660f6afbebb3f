import { z } from "zod";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import { createGitHubClient, type GitHubClient } from "@/lib/github";
import type { CurrentIdentity } from "./linking";
import type { IdentityProfile } from "./identity-providers";

/**
 * A user's GitHub access: the token of a GitHub identity linked through the OAuth app, or a
 * personal access token the user stored on the import page (an account row of type "token").
 * Both are account rows with provider "github" keyed by GitHub's numeric user id, tokens
 * encrypted at rest; the most recently updated one is used.
 */

/** What Ferry asks GitHub for: private repositories, organisations, the user's e-mails and gists. */
export const GITHUB_SCOPES = "repo read:org read:user user:email gist";

const githubUserSchema = z.object({ id: z.number().int(), login: z.string(), name: z.string().nullish(), avatar_url: z.string().nullish(), email: z.string().nullish() });
const githubEmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

async function githubUserOf(client: GitHubClient) {
  return githubUserSchema.parse(await client.get("/user"));
}

/** The GitHub account a token belongs to (GET /user, and the primary verified e-mail when the token may read it). */
export async function githubIdentityOf(client: GitHubClient): Promise<IdentityProfile> {
  const user = await githubUserOf(client);
  const emails = await client
    .get("/user/emails")
    .then((answer) => githubEmailsSchema.parse(answer))
    .catch(() => []);
  const primary = emails.find((email) => email.primary && email.verified)?.email ?? user.email ?? null;
  return { id: String(user.id), login: user.login, name: user.name ?? null, externalAccountId: null, avatarUrl: user.avatar_url ?? null, email: primary };
}

export function githubNotConnected(): AppError {
  return new AppError("github_not_connected", "Connect GitHub, or enter a personal access token, to see the repositories you can import.");
}

export async function githubTokenForAccount(accountId: string): Promise<string> {
  const account = await db.account.findFirst({ where: { id: accountId, provider: "github" }, select: { access_token: true } });
  if (!account?.access_token) throw githubNotConnected();
  return decryptSecret(account.access_token);
}

export type GithubAccess = { accountId: string; kind: "oauth" | "token"; login: string | null; githubUserId: string };

/** The GitHub access the user's imports and listings use, or null when they have none. */
export async function githubAccessOf(userId: string): Promise<GithubAccess | null> {
  const account = await db.account.findFirst({
    where: { userId, provider: "github", access_token: { not: null } },
    orderBy: { updatedAt: "desc" },
    select: { id: true, type: true, nickname: true, providerAccountId: true },
  });
  return account ? { accountId: account.id, kind: account.type === "token" ? "token" : "oauth", login: account.nickname, githubUserId: account.providerAccountId } : null;
}

/** A GitHub client acting as the user, reading the stored token before every request. */
export async function githubClientForUser(userId: string): Promise<{ client: GitHubClient; access: GithubAccess }> {
  const access = await githubAccessOf(userId);
  if (!access) throw githubNotConnected();
  return { client: createGitHubClient({ token: () => githubTokenForAccount(access.accountId) }), access };
}

/** Who GitHub says the linked identity is now (for the account page's rename check). */
export async function currentGithubIdentity(accountId: string): Promise<CurrentIdentity> {
  const user = await githubUserOf(createGitHubClient({ token: () => githubTokenForAccount(accountId) }));
  return { id: String(user.id), login: user.login, name: user.name ?? null };
}

/**
 * Stores a personal access token for the user's GitHub imports, after asking GitHub whose it is.
 * It becomes (or refreshes) the user's identity for that GitHub account, so their contributions
 * map to them as with Connect GitHub; an account linked to another Ferry user is refused.
 */
export async function saveGithubToken(userId: string, token: string): Promise<{ login: string }> {
  let identity: IdentityProfile;
  try {
    identity = await githubIdentityOf(createGitHubClient({ token }));
  } catch (error) {
    if (isAppError(error) && error.code === "github_unauthorized") {
      throw new AppError("github_token_refused", "GitHub does not accept this token. Check that it is a valid personal access token with the repo and read:org scopes.", { cause: error });
    }
    throw error;
  }
  const existing = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: "github", providerAccountId: identity.id } },
    select: { id: true, userId: true, type: true },
  });
  if (existing && existing.userId !== userId) {
    throw new AppError("identity_linked_elsewhere", `The GitHub account @${identity.login} is already linked to another Ferry user.`);
  }
  const columns = { nickname: identity.login, displayName: identity.name, avatarUrl: identity.avatarUrl, access_token: encryptSecret(token) };
  if (existing) {
    await db.account.update({ where: { id: existing.id }, data: columns });
  } else {
    await db.account.create({ data: { userId, type: "token", provider: "github", providerAccountId: identity.id, ...columns } });
  }
  return { login: identity.login };
}
