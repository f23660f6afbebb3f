import type { NextAuthOptions } from "next-auth";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { encryptOptional } from "@/lib/crypto";
import { ferryAdapter } from "./adapter";
import { decideBitbucketSignIn, type AuthRequestContext } from "./linking";
import { bitbucketProvider, type BitbucketProfile } from "./bitbucket-provider";

export type SessionUser = { id: string; username: string; name: string | null; email: string | null; image: string | null; isAdmin: boolean };

declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
}

/**
 * events.signIn receives the profile our provider's profile() returned, with the raw Bitbucket
 * profile riding along; callbacks.signIn receives the raw profile itself.
 */
function bitbucketProfileOf(profile: unknown): BitbucketProfile | null {
  const candidate = (profile as { bitbucket?: Partial<BitbucketProfile> } | undefined)?.bitbucket ?? (profile as Partial<BitbucketProfile> | undefined);
  return candidate && typeof candidate.uuid === "string" && typeof candidate.nickname === "string" ? (candidate as BitbucketProfile) : null;
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
        const profile = bitbucketProfileOf(signInProfile);
        if (account?.provider !== "bitbucket" || !profile) return;
        await db.account.update({
          where: { provider_providerAccountId: { provider: "bitbucket", providerAccountId: account.providerAccountId } },
          data: {
            nickname: profile.nickname,
            displayName: profile.display_name,
            externalAccountId: profile.account_id,
            avatarUrl: profile.avatar ?? null,
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
        if (account?.provider !== "bitbucket") return true;
        return decideBitbucketSignIn(context, account, bitbucketProfileOf(profile));
      },
    },
  };
}
