import type { SessionUser } from "@/lib/auth";
import { encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { GITHUB_ACCOUNTS, type GithubLogin } from "@/mocks/github";

/** A Ferry user who linked the sandbox's GitHub account `login` (by its numeric id, with its token). */
export async function createGithubLinkedUser(login: GithubLogin, options: { admin?: boolean } = {}): Promise<SessionUser> {
  const account = GITHUB_ACCOUNTS[login];
  const user = await db.user.create({ data: { username: login, name: login, isAdmin: options.admin ?? false } });
  await db.namespace.create({ data: { kind: "user", name: login, path: login, fullPath: login, ownerId: user.id } });
  await db.account.create({
    data: {
      userId: user.id,
      type: "oauth",
      provider: "github",
      providerAccountId: String(account.id),
      nickname: login,
      access_token: account.token ? encryptSecret(account.token) : null,
    },
  });
  return { id: user.id, username: login, name: login, email: null, image: null, isAdmin: options.admin ?? false };
}

