import { config } from "@/lib/config";
import type { Person, UserDetail } from "@/lib/users/people";

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

/** GitLab's UserBasic; its `id` is the user's `number`. */
export function serializeUser(user: Person) {
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

export function serializeOptionalUser(user: Person | null | undefined) {
  return user ? serializeUser(user) : null;
}

/**
 * GitLab's User (and, for the user themself or an admin, UserWithAdmin fields: email,
 * is_admin, identities). Linked identities show the provider and the account's Bitbucket uuid,
 * never tokens.
 */
export function serializeUserDetail(user: UserDetail, options: { full: boolean }) {
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
