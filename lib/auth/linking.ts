import { ACTIVE_IMPORT_STATUSES } from "@/lib/import/status-vocabulary";
import { z } from "zod";
import { createBitbucketClient } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { encryptOptional } from "@/lib/crypto";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getSettings } from "@/lib/settings";
import { hashPassword, verifyPassword } from "@/lib/users/passwords";
import { bitbucketCredentialForAccount } from "./bitbucket-credential";
import { currentGithubIdentity } from "./github-credential";
import {
  isLinkedProvider,
  LINKED_PROVIDERS,
  pendingProviderOf,
  PROVIDER_LABELS,
  signInDisabledError,
  signInEnabled,
  type IdentityProfile,
  type LinkedProvider,
} from "./identity-providers";

/**
 * Linking source identities (Bitbucket, GitHub) to Ferry users, and the rules next-auth's OAuth
 * callback follows for each provider:
 *
 * - signed out: a sign-in, refused while that provider's sign-in is disabled in Admin → Settings;
 * - signed in: Connect links the answering account to the signed-in user; Reconnect refreshes
 *   the identity it was started for, and when the source answers with another account it asks
 *   before switching (the answer waits as a "<provider>-pending" account row, tokens encrypted);
 * - a source account belongs to at most one Ferry user (also the unique key on accounts), and
 *   an attempt to link it elsewhere ends on the account page with a clear error;
 * - placeholders never sign in.
 */

export const LINK_INTENT_COOKIE = "ferry.identity-link";
const PENDING_LIFETIME_MS = 30 * 60 * 1000;
const PENDING_PROVIDERS = LINKED_PROVIDERS.map(pendingProviderOf);

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

export type OAuthAccount = { provider: string; providerAccountId: string; access_token?: string; refresh_token?: string; expires_at?: number; scope?: string; token_type?: string };

/**
 * next-auth's signIn callback for a linked provider: true to go on (sign in, link, or refresh), or
 * the URL to send the browser to instead.
 */
export async function decideSignIn(context: AuthRequestContext, account: OAuthAccount, identity: IdentityProfile | null): Promise<true | string> {
  if (!isLinkedProvider(account.provider)) return true;
  const provider = account.provider;
  const sourceId = account.providerAccountId;
  const nickname = identity?.login ?? sourceId;
  const owner = await db.account.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId: sourceId } },
    select: { userId: true, user: { select: { kind: true } } },
  });

  if (!context.sessionUserId) {
    if (!signInEnabled(await getSettings(), provider)) return `${config().NEXTAUTH_URL}/sign-in?error=${signInDisabledError(provider)}`;
    if (owner && owner.user.kind !== "human") return `${config().NEXTAUTH_URL}/sign-in?error=AccessDenied`;
    return true;
  }

  if (owner && owner.userId !== context.sessionUserId) return accountPage({ error: "linked_elsewhere", provider, nickname });

  const intent = context.intent;
  if (intent?.mode !== "reconnect") return true;
  const reconnecting = await db.account.findFirst({
    where: { id: intent.identityId, userId: context.sessionUserId, provider },
    select: { id: true, providerAccountId: true, nickname: true },
  });
  if (!reconnecting || reconnecting.providerAccountId === sourceId) return true;
  if (owner) return accountPage({ error: "reconnect_other_linked", provider, expected: reconnecting.nickname ?? "", nickname });

  const pending = await storePendingSwitch(context.sessionUserId, provider, account, identity);
  return accountPage({ switch: pending.id, replace: reconnecting.id });
}

/** The columns an identity's profile fills on its account row. */
export function identityColumns(identity: IdentityProfile | null) {
  return {
    externalAccountId: identity?.externalAccountId ?? null,
    nickname: identity?.login ?? null,
    displayName: identity?.name ?? null,
    avatarUrl: identity?.avatarUrl ?? null,
  };
}

async function storePendingSwitch(userId: string, provider: LinkedProvider, account: OAuthAccount, identity: IdentityProfile | null) {
  const pendingProvider = pendingProviderOf(provider);
  await db.account.deleteMany({ where: { userId, provider: pendingProvider } });
  const data = {
    userId,
    type: "oauth",
    provider: pendingProvider,
    // Scoped by user: two people may each be asked about the same answer.
    providerAccountId: `${userId}:${account.providerAccountId}`,
    access_token: encryptOptional(account.access_token),
    refresh_token: encryptOptional(account.refresh_token),
    expires_at: account.expires_at ?? null,
    token_type: account.token_type ?? null,
    scope: account.scope ?? null,
    ...identityColumns(identity),
  };
  return db.account.create({ data, select: { id: true } });
}

async function refuseWhileImporting(accountId: string, provider: LinkedProvider, action: string): Promise<void> {
  const running = await db.projectImport.count({ where: { credentialAccountId: accountId, status: { in: [...ACTIVE_IMPORT_STATUSES] } } });
  if (running > 0) {
    throw new AppError("identity_in_use", `An import that is still running uses this ${PROVIDER_LABELS[provider]} account. Wait for it to end, or cancel it, before you ${action}.`);
  }
}

export type PendingSwitch = {
  id: string;
  replaceId: string;
  provider: LinkedProvider;
  nickname: string | null;
  displayName: string | null;
  uuid: string;
  replacing: { nickname: string | null; displayName: string | null };
};

/** The answer waiting for the user's decision after Reconnect returned another account. */
export async function pendingSwitch(userId: string, pendingId: string, replaceId: string): Promise<PendingSwitch | null> {
  const pending = await db.account.findFirst({
    where: { id: pendingId, userId, provider: { in: PENDING_PROVIDERS }, createdAt: { gt: new Date(Date.now() - PENDING_LIFETIME_MS) } },
  });
  const provider = LINKED_PROVIDERS.find((candidate) => pendingProviderOf(candidate) === pending?.provider);
  if (!pending || !provider) return null;
  const replacing = await db.account.findFirst({ where: { id: replaceId, userId, provider } });
  if (!replacing) return null;
  return {
    id: pending.id,
    replaceId: replacing.id,
    provider,
    nickname: pending.nickname,
    displayName: pending.displayName,
    uuid: pending.providerAccountId.slice(userId.length + 1),
    replacing: { nickname: replacing.nickname, displayName: replacing.displayName },
  };
}

/** Replaces the reconnected identity by the account the source answered with. */
export async function confirmIdentitySwitch(userId: string, input: { pendingId: string; replaceId: string }): Promise<{ nickname: string | null }> {
  const pending = await pendingSwitch(userId, input.pendingId, input.replaceId);
  if (!pending) throw new AppError("switch_expired", "This switch is no longer available. Reconnect again.");
  await refuseWhileImporting(input.replaceId, pending.provider, "switch accounts");
  try {
    await db.$transaction(async (tx) => {
      await tx.account.delete({ where: { id: input.replaceId } });
      await tx.account.update({ where: { id: pending.id }, data: { provider: pending.provider, providerAccountId: pending.uuid } });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("identity_linked_elsewhere", `The ${PROVIDER_LABELS[pending.provider]} account @${pending.nickname} is already linked to another Ferry user.`);
    }
    throw error;
  }
  return { nickname: pending.nickname };
}

export async function declineIdentitySwitch(userId: string, input: { pendingId: string }): Promise<void> {
  await db.account.deleteMany({ where: { id: input.pendingId, userId, provider: { in: PENDING_PROVIDERS } } });
}

/** Why an identity that is the user's only way to sign in cannot be disconnected (the account page says it before anyone asks). */
export function lastSignInMethodMessage(provider: LinkedProvider, nickname: string | null): string {
  return `${PROVIDER_LABELS[provider]} @${nickname ?? "account"} is your only way to sign in to Ferry, so it cannot be disconnected. Set a password or connect another account first.`;
}

/** Removes a linked identity (or a stored GitHub token), unless it is the user's only way to sign in. */
export async function disconnectIdentity(userId: string, input: { identityId: string }): Promise<void> {
  const identity = await db.account.findFirst({
    where: { id: input.identityId, userId, provider: { in: [...LINKED_PROVIDERS] } },
    select: { id: true, nickname: true, provider: true },
  });
  if (!identity || !isLinkedProvider(identity.provider)) throw new AppError("not_found", "This identity is not linked to your account.");
  const [user, others] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } }),
    db.account.count({ where: { userId, provider: { in: [...LINKED_PROVIDERS] }, id: { not: identity.id } } }),
  ]);
  if (!user.passwordHash && others === 0) throw new AppError("last_sign_in_method", lastSignInMethodMessage(identity.provider, identity.nickname));
  await refuseWhileImporting(identity.id, identity.provider, "disconnect it");
  await db.account.delete({ where: { id: identity.id } });
}

export type LinkedIdentity = {
  id: string;
  provider: LinkedProvider;
  /** "oauth" for identities linked through the provider's OAuth app, "token" for a stored personal access token. */
  kind: "oauth" | "token";
  nickname: string | null;
  displayName: string | null;
  uuid: string;
  accountId: string | null;
  avatarUrl: string | null;
  linkedAt: Date;
  updatedAt: Date;
};

export async function linkedIdentities(userId: string): Promise<LinkedIdentity[]> {
  const rows = await db.account.findMany({ where: { userId, provider: { in: [...LINKED_PROVIDERS] } }, orderBy: [{ provider: "asc" }, { createdAt: "asc" }] });
  return rows.flatMap((row) =>
    isLinkedProvider(row.provider)
      ? [
          {
            id: row.id,
            provider: row.provider,
            kind: row.type === "token" ? ("token" as const) : ("oauth" as const),
            nickname: row.nickname,
            displayName: row.displayName,
            uuid: row.providerAccountId,
            accountId: row.externalAccountId,
            avatarUrl: row.avatarUrl,
            linkedAt: row.createdAt,
            updatedAt: row.updatedAt,
          },
        ]
      : [],
  );
}

/** Who the source says a linked account is now. */
export type CurrentIdentity = { id: string; login: string; name: string | null };

export type IdentityCheck =
  | { state: "current"; current: CurrentIdentity }
  | { state: "renamed"; current: CurrentIdentity }
  | { state: "other_account"; current: CurrentIdentity }
  | { state: "unreachable"; message: string };

async function currentIdentityOf(identity: Pick<LinkedIdentity, "id" | "provider">): Promise<CurrentIdentity> {
  if (identity.provider === "github") return currentGithubIdentity(identity.id);
  const client = createBitbucketClient({
    apiUrl: config().BITBUCKET_API_URL,
    credential: bitbucketCredentialForAccount(identity.id),
    retry: { maxAttempts: 1 },
    timeoutMs: 5_000,
  });
  const current = await client.getCurrentUser();
  return { id: current.uuid, login: current.nickname, name: current.displayName };
}

/** Asks the source (with the stored credential) who the identity is now, to spot renames. Never throws. */
export async function checkIdentity(identity: Pick<LinkedIdentity, "id" | "provider" | "uuid" | "nickname" | "displayName">): Promise<IdentityCheck> {
  try {
    const current = await currentIdentityOf(identity);
    if (current.id.toLowerCase() !== identity.uuid.toLowerCase()) return { state: "other_account", current };
    const renamed = current.login !== identity.nickname || (current.name ?? null) !== (identity.displayName ?? null);
    return { state: renamed ? "renamed" : "current", current };
  } catch (error) {
    const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
    return { state: "unreachable", message };
  }
}

/**
 * Sets (or, with the current one, changes) the user's password, giving them a way to sign in
 * besides a linked source account, and ends their other sessions: all but `keepSessionToken`, the one making the change.
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
