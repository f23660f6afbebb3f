import type { OAuthConfig } from "next-auth/providers/oauth";
import { createBitbucketClient, exchangeAuthorizationCode } from "@/lib/bitbucket";
import type { IdentityProfile } from "./identity-providers";

/** What the provider hands next-auth as the profile; the extra fields reach createUser and events.signIn. */
export type BitbucketProfile = {
  uuid: string;
  account_id: string | null;
  nickname: string;
  display_name: string;
  email?: string;
  avatar?: string;
  identity: IdentityProfile;
};

type ProviderSettings = { webUrl: string; apiUrl: string; clientId: string; clientSecret: string };

/**
 * Bitbucket Cloud as an OAuth 2.0 provider, built from the configured URLs so the same
 * code talks to bitbucket.org and to the sandbox. Token exchange and profile go through
 * lib/bitbucket so their errors are typed like every other Bitbucket call.
 */
export function bitbucketProvider(settings: ProviderSettings): OAuthConfig<BitbucketProfile> {
  return {
    id: "bitbucket",
    name: "Bitbucket",
    type: "oauth",
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    checks: ["state"],
    authorization: {
      url: `${settings.webUrl}/site/oauth2/authorize`,
      // Bitbucket grants the scopes configured on the consumer; sending ours keeps openid-client from adding "openid".
      params: { scope: "account email repository pullrequest issue wiki project" },
    },
    token: {
      url: `${settings.webUrl}/site/oauth2/access_token`,
      async request({ params, provider }) {
        const tokens = await exchangeAuthorizationCode({
          webUrl: settings.webUrl,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
          code: String(params.code ?? ""),
          redirectUri: provider.callbackUrl,
        });
        return {
          tokens: {
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            expires_at: Math.floor(tokens.expiresAt.getTime() / 1000),
            token_type: tokens.tokenType,
            scope: tokens.scopes.join(" "),
          },
        };
      },
    },
    userinfo: {
      url: `${settings.apiUrl}/2.0/user`,
      async request({ tokens }) {
        const accessToken = tokens.access_token!;
        const client = createBitbucketClient({
          apiUrl: settings.apiUrl,
          credential: {
            kind: "oauth",
            getAccessToken: async () => accessToken,
            // A token Bitbucket has just issued cannot be refreshed yet; a rejection here is a failed sign-in.
            refreshAccessToken: () => Promise.reject(new Error("Bitbucket rejected the access token it just issued")),
          },
        });
        const [user, email] = await Promise.all([client.getCurrentUser(), client.primaryEmail().catch(() => null)]);
        const profile: BitbucketProfile = {
          uuid: user.uuid,
          account_id: user.accountId ?? null,
          nickname: user.nickname,
          display_name: user.displayName,
          email: email ?? undefined,
          avatar: user.avatarUrl ?? undefined,
          identity: {
            id: user.uuid,
            login: user.nickname,
            name: user.displayName,
            externalAccountId: user.accountId ?? null,
            avatarUrl: user.avatarUrl ?? null,
            email: email ?? null,
          },
        };
        return profile;
      },
    },
    profile(profile) {
      return {
        id: profile.uuid,
        name: profile.display_name,
        email: profile.email,
        image: profile.avatar,
        // Not next-auth fields: createUser (lib/auth/adapter.ts) derives the username from the nickname,
        // and events.signIn (lib/auth/options.ts) keeps the identity current from the rest.
        usernameCandidate: profile.nickname,
        identity: profile.identity,
      };
    },
    style: { logo: "", bg: "#0052cc", text: "#fff" },
  };
}
