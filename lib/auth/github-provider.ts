import type { OAuthConfig } from "next-auth/providers/oauth";
import { createGitHubClient } from "@/lib/github";
import { GITHUB_SCOPES, githubIdentityOf } from "./github-credential";
import type { IdentityProfile } from "./identity-providers";

/** What the userinfo request answers: the identity Ferry stores. */
export type GithubProfile = { name: string; email?: string; identity: IdentityProfile };

type ProviderSettings = { webUrl: string; clientId: string; clientSecret: string };

/**
 * A GitHub OAuth app as a next-auth provider, built from GITHUB_URL so github.com, GitHub
 * Enterprise Server and the sandbox work the same way. The profile comes through lib/github
 * (GITHUB_API_URL), keyed by GitHub's numeric user id.
 */
export function githubProvider(settings: ProviderSettings): OAuthConfig<GithubProfile> {
  return {
    id: "github",
    name: "GitHub",
    type: "oauth",
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    // GitHub reads the client credentials from the form body only.
    client: { token_endpoint_auth_method: "client_secret_post" },
    checks: ["state"],
    authorization: { url: `${settings.webUrl}/login/oauth/authorize`, params: { scope: GITHUB_SCOPES } },
    token: `${settings.webUrl}/login/oauth/access_token`,
    userinfo: {
      url: `${settings.webUrl}/user`,
      async request({ tokens }) {
        const accessToken = tokens.access_token!;
        const identity = await githubIdentityOf(createGitHubClient({ token: accessToken }));
        const profile: GithubProfile = { name: identity.name ?? identity.login, email: identity.email ?? undefined, identity };
        return profile;
      },
    },
    profile(profile) {
      const identity = profile.identity;
      return {
        id: identity.id,
        name: identity.name ?? identity.login,
        email: identity.email,
        image: identity.avatarUrl,
        // Not next-auth fields: createUser derives the username from the login; events.signIn stores the identity.
        usernameCandidate: identity.login,
        identity,
      };
    },
    style: { logo: "", bg: "#24292f", text: "#fff" },
  };
}
