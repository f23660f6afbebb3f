import type { SessionUser } from "@/lib/auth";
import { encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { SANDBOX_ACCOUNTS, type SandboxState } from "@/mocks/bitbucket";

type Nickname = keyof typeof SANDBOX_ACCOUNTS;

/**
 * A Ferry user with a personal namespace and a Bitbucket identity linked to a sandbox account,
 * holding fresh sandbox tokens (encrypted, as sign-in stores them). Ferry believes the access
 * token lives `expiresInSeconds`, whatever the sandbox's own lifetime is.
 */
export async function createLinkedUser(state: SandboxState, nickname: Nickname = "alice", options: { expiresInSeconds?: number } = {}): Promise<SessionUser> {
  const account = SANDBOX_ACCOUNTS[nickname];
  const tokens = state.grantTokensFor(nickname);
  const user = await db.user.create({ data: { username: nickname, name: account.display_name } });
  await db.namespace.create({ data: { kind: "user", name: account.display_name, path: nickname, fullPath: nickname, ownerId: user.id } });
  await db.account.create({
    data: {
      userId: user.id,
      type: "oauth",
      provider: "bitbucket",
      providerAccountId: account.uuid,
      nickname,
      access_token: encryptSecret(tokens.accessToken),
      refresh_token: encryptSecret(tokens.refreshToken),
      expires_at: Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600),
    },
  });
  return { id: user.id, username: nickname, name: account.display_name, email: null, image: null, isAdmin: false };
}
