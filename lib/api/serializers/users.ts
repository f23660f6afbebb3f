import { config } from "@/lib/config";
import type { Prisma } from "@/lib/db";

/** Ferry's public base URL without a trailing slash; every `web_url` starts with it. */
export function webBase(): string {
  return config().NEXTAUTH_URL.replace(/\/+$/, "");
}

export function webUrl(...segments: string[]): string {
  return [webBase(), ...segments].join("/");
}

export function isoDate(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/** `YYYY-MM-DD` (GitLab's date fields: due dates, token expiry). */
export function dayDate(value: Date | null | undefined): string | null {
  return value ? value.toISOString().slice(0, 10) : null;
}

/** What every user reference selects; `number` is the id the API shows. */
export const apiUserSelect = { id: true, number: true, username: true, name: true, image: true, kind: true } satisfies Prisma.UserSelect;
export type ApiUserRow = Prisma.UserGetPayload<{ select: typeof apiUserSelect }>;

/** GitLab's UserBasic. */
export function serializeUser(user: ApiUserRow) {
  return {
    id: user.number,
    username: user.username,
    name: user.name ?? user.username,
    state: "active",
    locked: false,
    avatar_url: user.image,
    web_url: webUrl(user.username),
    ...(user.kind === "placeholder" ? { placeholder: true } : {}),
  };
}

export function serializeOptionalUser(user: ApiUserRow | null | undefined) {
  return user ? serializeUser(user) : null;
}

export const apiUserDetailSelect = {
  ...apiUserSelect,
  email: true,
  isAdmin: true,
  createdAt: true,
  accounts: { select: { provider: true, providerAccountId: true } },
} satisfies Prisma.UserSelect;
export type ApiUserDetailRow = Prisma.UserGetPayload<{ select: typeof apiUserDetailSelect }>;

/**
 * GitLab's User (and, for the user themself or an admin, UserWithAdmin fields: email,
 * is_admin, identities). Linked identities show the provider and the account's Bitbucket uuid,
 * never tokens.
 */
export function serializeUserDetail(user: ApiUserDetailRow, options: { full: boolean }) {
  return {
    ...serializeUser(user),
    created_at: isoDate(user.createdAt),
    bio: "",
    bot: false,
    public_email: null,
    ...(options.full
      ? {
          email: user.email,
          is_admin: user.isAdmin,
          identities: user.accounts.map((account) => ({ provider: account.provider, extern_uid: account.providerAccountId })),
        }
      : {}),
  };
}
