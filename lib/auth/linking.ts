import { ACTIVE_IMPORT_STATUSES } from "@/lib/import/status-vocabulary";
import { z } from "zod";
import { createBitbucketClient, type CurrentUser } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { encryptOptional } from "@/lib/crypto";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getSettings } from "@/lib/settings";
import { hashPassword, verifyPassword } from "@/lib/users/passwords";
import { bitbucketCredentialForAccount } from "./bitbucket-credential";
import type { BitbucketProfile } from "./bitbucket-provider";

/**
 * Linking Bitbucket identities to Ferry users, and the rules next-auth's OAuth callback follows:
 *
 * - signed out: a sign-in, refused while an administrator has disabled Bitbucket sign-in;
 * - signed in: Connect links the answering account to the signed-in user; Reconnect refreshes
 *   the identity it was started for, and when Bitbucket answers with another account it asks
 *   before switching (the answer waits as a "bitbucket-pending" account row, tokens encrypted);
 * - a Bitbucket account belongs to at most one Ferry user (also the unique key on accounts), and
 *   an attempt to link it elsewhere ends on the account page with a clear error;
 * - placeholders never sign in.
 */

export const LINK_INTENT_COOKIE = "ferry.bitbucket-link";
export const PENDING_PROVIDER = "bitbucket-pending";
const PENDING_LIFETIME_MS = 30 * 60 * 1000;

export const linkIntentSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("connect") }),
  z.object({ mode: z.literal("reconnect"), identityId: z.string().min(1).max(100) }),
]);
export type LinkIntent = z.infer<typeof linkIntentSchema>;

export function parseLinkIntent(value: string | undefined): LinkIntent | null {
  if (!value) return null;
  try {
    const parsed = linkIntentSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the OAuth callback knows about the request besides the provider's answer. */
export type AuthRequestContext = { sessionUserId: string | null; intent: LinkIntent | null };

function accountPage(params: Record<string, string>): string {
  return `${config().NEXTAUTH_URL}/profile/account?${new URLSearchParams(params)}`;
}

type OAuthAccount = { provider: string; providerAccountId: string; access_token?: string; refresh_token?: string; expires_at?: number; scope?: string; token_type?: string };

/**
 * next-auth's signIn callback for Bitbucket: true to go on (sign in, link, or refresh), or the URL
 * to send the browser to instead.
 */
export async function decideBitbucketSignIn(context: AuthRequestContext, account: OAuthAccount, profile: BitbucketProfile | null): Promise<true | string> {
  const uuid = account.providerAccountId;
  const nickname = profile?.nickname ?? uuid;
  const owner = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: "bitbucket", providerAccountId: uuid } },
    select: { userId: true, user: { select: { kind: true } } },
  });

  if (!context.sessionUserId) {
    if (!(await getSettings()).bitbucketSignInEnabled) return `${config().NEXTAUTH_URL}/sign-in?error=BitbucketSignInDisabled`;
    if (owner && owner.user.kind !== "human") return `${config().NEXTAUTH_URL}/sign-in?error=AccessDenied`;
    return true;
  }

  if (owner && owner.userId !== context.sessionUserId) return accountPage({ error: "linked_elsewhere", nickname });

  const intent = context.intent;
  if (intent?.mode !== "reconnect") return true;
  const reconnecting = await db.account.findFirst({
    where: { id: intent.identityId, userId: context.sessionUserId, provider: "bitbucket" },
    select: { id: true, providerAccountId: true, nickname: true },
  });
  if (!reconnecting || reconnecting.providerAccountId === uuid) return true;
  if (owner) return accountPage({ error: "reconnect_other_linked", expected: reconnecting.nickname ?? "", nickname });

  const pending = await storePendingSwitch(context.sessionUserId, account, profile);
  return accountPage({ switch: pending.id, replace: reconnecting.id });
}

async function storePendingSwitch(userId: string, account: OAuthAccount, profile: BitbucketProfile | null) {
  await db.account.deleteMany({ where: { userId, provider: PENDING_PROVIDER } });
  const data = {
    userId,
    type: "oauth",
    provider: PENDING_PROVIDER,
    // Scoped by user: two people may each be asked about the same answer.
    providerAccountId: `${userId}:${account.providerAccountId}`,
    access_token: encryptOptional(account.access_token),
    refresh_token: encryptOptional(account.refresh_token),
    expires_at: account.expires_at ?? null,
    token_type: account.token_type ?? null,
    scope: account.scope ?? null,
    externalAccountId: profile?.account_id ?? null,
    nickname: profile?.nickname ?? null,
    displayName: profile?.display_name ?? null,
    avatarUrl: profile?.avatar ?? null,
  };
  return db.account.create({ data, select: { id: true } });
}

async function refuseWhileImporting(accountId: string, action: string): Promise<void> {
  const running = await db.projectImport.count({ where: { credentialAccountId: accountId, status: { in: [...ACTIVE_IMPORT_STATUSES] } } });
  if (running > 0) {
    throw new AppError("identity_in_use", `An import that is still running uses this Bitbucket account. Wait for it to end, or cancel it, before you ${action}.`);
  }
}

export type PendingSwitch = { id: string; replaceId: string; nickname: string | null; displayName: string | null; uuid: string; replacing: { nickname: string | null; displayName: string | null } };

/** The answer waiting for the user's decision after Reconnect returned another account. */
export async function pendingSwitch(userId: string, pendingId: string, replaceId: string): Promise<PendingSwitch | null> {
  const [pending, replacing] = await Promise.all([
    db.account.findFirst({ where: { id: pendingId, userId, provider: PENDING_PROVIDER, createdAt: { gt: new Date(Date.now() - PENDING_LIFETIME_MS) } } }),
    db.account.findFirst({ where: { id: replaceId, userId, provider: "bitbucket" } }),
  ]);
  if (!pending || !replacing) return null;
  return {
    id: pending.id,
    replaceId: replacing.id,
    nickname: pending.nickname,
    displayName: pending.displayName,
    uuid: pending.providerAccountId.slice(userId.length + 1),
    replacing: { nickname: replacing.nickname, displayName: replacing.displayName },
  };
}

/** Replaces the reconnected identity by the account Bitbucket answered with. */
export async function confirmBitbucketSwitch(userId: string, input: { pendingId: string; replaceId: string }): Promise<{ nickname: string | null }> {
  const pending = await pendingSwitch(userId, input.pendingId, input.replaceId);
  if (!pending) throw new AppError("switch_expired", "This switch is no longer available. Reconnect Bitbucket again.");
  await refuseWhileImporting(input.replaceId, "switch accounts");
  try {
    await db.$transaction(async (tx) => {
      await tx.account.delete({ where: { id: input.replaceId } });
      await tx.account.update({ where: { id: pending.id }, data: { provider: "bitbucket", providerAccountId: pending.uuid } });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("bitbucket_linked_elsewhere", `The Bitbucket account @${pending.nickname} is already linked to another Ferry user.`);
    }
    throw error;
  }
  return { nickname: pending.nickname };
}

export async function declineBitbucketSwitch(userId: string, input: { pendingId: string }): Promise<void> {
  await db.account.deleteMany({ where: { id: input.pendingId, userId, provider: PENDING_PROVIDER } });
}

/** Why an identity that is the user's only way to sign in cannot be disconnected (the account page says it before anyone asks). */
export function lastSignInMethodMessage(nickname: string | null): string {
  return `Bitbucket @${nickname ?? "account"} is your only way to sign in to Ferry, so it cannot be disconnected. Set a password or connect another account first.`;
}

/** Removes a linked identity, unless it is the user's only way to sign in. */
export async function disconnectIdentity(userId: string, input: { identityId: string }): Promise<void> {
  const identity = await db.account.findFirst({ where: { id: input.identityId, userId, provider: "bitbucket" }, select: { id: true, nickname: true } });
  if (!identity) throw new AppError("not_found", "This identity is not linked to your account.");
  const [user, others] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } }),
    db.account.count({ where: { userId, provider: "bitbucket", id: { not: identity.id } } }),
  ]);
  if (!user.passwordHash && others === 0) throw new AppError("last_sign_in_method", lastSignInMethodMessage(identity.nickname));
  await refuseWhileImporting(identity.id, "disconnect it");
  await db.account.delete({ where: { id: identity.id } });
}

export type LinkedIdentity = {
  id: string;
  provider: "bitbucket";
  nickname: string | null;
  displayName: string | null;
  uuid: string;
  accountId: string | null;
  avatarUrl: string | null;
  linkedAt: Date;
  updatedAt: Date;
};

export async function linkedIdentities(userId: string): Promise<LinkedIdentity[]> {
  const rows = await db.account.findMany({ where: { userId, provider: "bitbucket" }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    provider: "bitbucket",
    nickname: row.nickname,
    displayName: row.displayName,
    uuid: row.providerAccountId,
    accountId: row.externalAccountId,
    avatarUrl: row.avatarUrl,
    linkedAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}

export type IdentityCheck =
  | { state: "current"; current: CurrentUser }
  | { state: "renamed"; current: CurrentUser }
  | { state: "other_account"; current: CurrentUser }
  | { state: "unreachable"; message: string };

/** Asks Bitbucket (with the stored credential) who the identity is now, to spot renames. Never throws. */
export async function checkIdentity(identity: Pick<LinkedIdentity, "id" | "uuid" | "nickname" | "displayName">): Promise<IdentityCheck> {
  try {
    const client = createBitbucketClient({
      apiUrl: config().BITBUCKET_API_URL,
      credential: bitbucketCredentialForAccount(identity.id),
      retry: { maxAttempts: 1 },
      timeoutMs: 5_000,
    });
    const current = await client.getCurrentUser();
    if (current.uuid.toLowerCase() !== identity.uuid.toLowerCase()) return { state: "other_account", current };
    const renamed = current.nickname !== identity.nickname || current.displayName !== identity.displayName;
    return { state: renamed ? "renamed" : "current", current };
  } catch (error) {
    const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
    return { state: "unreachable", message };
  }
}

/**
 * Sets (or, with the current one, changes) the user's password, giving them a way to sign in
 * besides Bitbucket, and ends their other sessions: all but `keepSessionToken`, the one making the change.
 */
export async function setPassword(userId: string, input: { currentPassword?: string; newPassword: string; keepSessionToken?: string }): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true, kind: true } });
  if (user.kind !== "human") throw new AppError("forbidden", "Placeholders cannot have a password.");
  if (user.passwordHash && !(await verifyPassword(input.currentPassword ?? "", user.passwordHash))) {
    throw new AppError("invalid_current_password", "The current password is not correct.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { passwordHash } }),
    db.session.deleteMany({ where: { userId, ...(input.keepSessionToken ? { sessionToken: { not: input.keepSessionToken } } : {}) } }),
  ]);
}
