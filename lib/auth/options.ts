import type { NextAuthOptions } from "next-auth";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { encryptOptional } from "@/lib/crypto";
import { ferryAdapter } from "./adapter";
import { decideSignIn, identityColumns, type AuthRequestContext } from "./linking";
import { bitbucketProvider } from "./bitbucket-provider";
import { githubProvider } from "./github-provider";
import { identityProfileOf, isLinkedProvider } from "./identity-providers";

export type SessionUser = { id: string; username: string; name: string | null; email: string | null; image: string | null; isAdmin: boolean };

declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
}

let cached: NextAuthOptions | undefined;

/** Built on first use so that importing a route never reads the environment at build time. */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const settings = config();
  const providers = [];
  if (settings.BITBUCKET_CLIENT_ID && settings.BITBUCKET_CLIENT_SECRET) {
    providers.push(
      bitbucketProvider({
        webUrl: settings.BITBUCKET_URL,
        apiUrl: settings.BITBUCKET_API_URL,
        clientId: settings.BITBUCKET_CLIENT_ID,
        clientSecret: settings.BITBUCKET_CLIENT_SECRET,
      }),
    );
  }
  if (settings.GITHUB_CLIENT_ID && settings.GITHUB_CLIENT_SECRET) {
    providers.push(githubProvider({ webUrl: settings.GITHUB_URL, clientId: settings.GITHUB_CLIENT_ID, clientSecret: settings.GITHUB_CLIENT_SECRET }));
  }
  cached = {
    adapter: ferryAdapter(),
    secret: settings.NEXTAUTH_SECRET,
    providers,
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    callbacks: {
      async session({ session, user }) {
        const row = await db.user.findUnique({
          where: { id: user.id },
          select: { id: true, kind: true, username: true, name: true, email: true, image: true, isAdmin: true },
        });
        // Placeholders never sign in; a session that somehow names one carries no user.
        if (row && row.kind === "human") {
          const { kind: _kind, ...sessionUser } = row;
          session.user = sessionUser;
        }
        return session;
      },
    },
    events: {
      // next-auth does not update a linked account on later sign-ins; keep tokens and the identity current here.
      async signIn({ account, profile: signInProfile }) {
        const identity = identityProfileOf(signInProfile);
        if (!account || !isLinkedProvider(account.provider) || !identity) return;
        await db.account.update({
          where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
          data: {
            ...identityColumns(identity),
            type: "oauth",
            access_token: encryptOptional(account.access_token),
            refresh_token: encryptOptional(account.refresh_token),
            expires_at: account.expires_at ?? null,
            scope: account.scope ?? null,
          },
        });
      },
    },
  };
  return cached;
}

/**
 * The options for one request to next-auth's route: its signIn callback knows who is signed in
 * and what the user asked for (Connect or Reconnect), which next-auth does not tell callbacks.
 */
export function authOptionsForRequest(context: AuthRequestContext): NextAuthOptions {
  const base = authOptions();
  return {
    ...base,
    callbacks: {
      ...base.callbacks,
      async signIn({ account, profile }) {
        if (!account || !isLinkedProvider(account.provider)) return true;
        return decideSignIn(context, account, identityProfileOf(profile));
      },
    },
  };
}
