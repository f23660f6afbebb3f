import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import { refreshAccessToken, isReconnectRequired, type BitbucketCredential } from "@/lib/bitbucket";

/** Refresh this long before Bitbucket's expiry so a request never starts with a dying token. */
const EXPIRY_MARGIN_SECONDS = 10;

export function reconnectRequired(cause?: unknown): AppError {
  return new AppError(
    "bitbucket_reconnect_required",
    "Bitbucket no longer accepts Ferry's access to your account. Reconnect Bitbucket to continue.",
    { cause },
  );
}

const inFlightRefreshes = new Map<string, Promise<string>>();

function expiresSoon(expiresAt: number | null, now = Date.now()): boolean {
  return expiresAt !== null && expiresAt * 1000 - now < EXPIRY_MARGIN_SECONDS * 1000;
}

/**
 * One refresh at a time per account: in this process through a shared promise, across
 * processes through a row lock. Whoever gets the lock second adopts the token the first stored.
 */
function refreshOnce(accountId: string, rejectedToken: string | null): Promise<string> {
  const existing = inFlightRefreshes.get(accountId);
  if (existing) return existing;
  const refresh = refreshUnderLock(accountId, rejectedToken).finally(() => inFlightRefreshes.delete(accountId));
  inFlightRefreshes.set(accountId, refresh);
  return refresh;
}

async function refreshUnderLock(accountId: string, rejectedToken: string | null): Promise<string> {
  const settings = config();
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM accounts WHERE id = ${accountId} FOR UPDATE`;
      const account = await tx.account.findUniqueOrThrow({ where: { id: accountId } });
      const current = account.access_token ? decryptSecret(account.access_token) : null;
      if (current && current !== rejectedToken && !expiresSoon(account.expires_at)) return current;
      if (!account.refresh_token || !settings.BITBUCKET_CLIENT_ID || !settings.BITBUCKET_CLIENT_SECRET) throw reconnectRequired();
      let tokens;
      try {
        tokens = await refreshAccessToken({
          webUrl: settings.BITBUCKET_URL,
          clientId: settings.BITBUCKET_CLIENT_ID,
          clientSecret: settings.BITBUCKET_CLIENT_SECRET,
          refreshToken: decryptSecret(account.refresh_token),
        });
      } catch (error) {
        if (isReconnectRequired(error)) throw reconnectRequired(error);
        throw error;
      }
      await tx.account.update({
        where: { id: accountId },
        data: {
          access_token: encryptSecret(tokens.accessToken),
          refresh_token: encryptSecret(tokens.refreshToken ?? decryptSecret(account.refresh_token)),
          expires_at: Math.floor(tokens.expiresAt.getTime() / 1000),
          scope: tokens.scopes.join(" ") || account.scope,
        },
      });
      return tokens.accessToken;
    },
    { maxWait: 60_000, timeout: 60_000 },
  );
}

/** The signed-in user's Bitbucket credential, refreshing transparently. */
export async function bitbucketCredentialForUser(userId: string): Promise<BitbucketCredential> {
  const account = await db.account.findFirst({
    where: { userId, provider: "bitbucket" },
    orderBy: { updatedAt: "desc" },
    select: { id: true },
  });
  if (!account) {
    throw new AppError("bitbucket_not_connected", "Connect your Bitbucket account to see the repositories you can import.");
  }
  return bitbucketCredentialForAccount(account.id);
}

export function bitbucketCredentialForAccount(accountId: string): BitbucketCredential {
  return {
    kind: "oauth",
    async getAccessToken() {
      const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { access_token: true, expires_at: true } });
      if (!account.access_token || expiresSoon(account.expires_at)) return refreshOnce(accountId, null);
      return decryptSecret(account.access_token);
    },
    refreshAccessToken(rejected: string) {
      return refreshOnce(accountId, rejected);
    },
  };
}
