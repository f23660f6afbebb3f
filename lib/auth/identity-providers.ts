import { config } from "@/lib/config";
import type { Settings } from "@/lib/settings";

/** The sources whose accounts a Ferry user links (Account rows keyed by the source's stable user id). */
export const LINKED_PROVIDERS = ["bitbucket", "github"] as const;
export type LinkedProvider = (typeof LINKED_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<LinkedProvider, string> = { bitbucket: "Bitbucket", github: "GitHub" };

export function isLinkedProvider(value: string | undefined | null): value is LinkedProvider {
  return (LINKED_PROVIDERS as readonly string[]).includes(value ?? "");
}

/** Where the answer of a Reconnect that returned another account waits for the user's decision. */
export function pendingProviderOf(provider: LinkedProvider): string {
  return `${provider}-pending`;
}

/**
 * A linked account as Ferry stores it, whatever the source: the stable id (Bitbucket's uuid,
 * GitHub's numeric user id), the login people see (nickname, login) and the display name.
 */
export type IdentityProfile = {
  id: string;
  login: string;
  name: string | null;
  /** Bitbucket's Atlassian account_id; null elsewhere. */
  externalAccountId: string | null;
  avatarUrl: string | null;
  email: string | null;
};

/**
 * Each provider's profile() puts the IdentityProfile under `identity`; events.signIn receives that
 * object, callbacks.signIn the raw profile the userinfo request returned, which carries it too.
 */
export function identityProfileOf(profile: unknown): IdentityProfile | null {
  const candidate = (profile as { identity?: Partial<IdentityProfile> } | undefined)?.identity;
  return candidate && typeof candidate.id === "string" && typeof candidate.login === "string" ? (candidate as IdentityProfile) : null;
}

/** Whether the OAuth app of the provider is configured, so Connect, Reconnect and sign-in can run. */
export function oauthConfigured(provider: LinkedProvider): boolean {
  const settings = config();
  return provider === "bitbucket"
    ? Boolean(settings.BITBUCKET_CLIENT_ID && settings.BITBUCKET_CLIENT_SECRET)
    : Boolean(settings.GITHUB_CLIENT_ID && settings.GITHUB_CLIENT_SECRET);
}

export function signInEnabled(settings: Settings, provider: LinkedProvider): boolean {
  return provider === "bitbucket" ? settings.bitbucketSignInEnabled : settings.githubSignInEnabled;
}

/** The sign-in page's error code when an administrator has turned the provider's sign-in off. */
export function signInDisabledError(provider: LinkedProvider): string {
  return provider === "bitbucket" ? "BitbucketSignInDisabled" : "GitHubSignInDisabled";
}
