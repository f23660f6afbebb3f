import { PrismaAdapter } from "@next-auth/prisma-adapter";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import { db } from "@/lib/db";
import { encryptOptional } from "@/lib/crypto";
import { createUserWithNamespace, freeUsername } from "@/lib/users/create";

/**
 * next-auth's Prisma adapter with Ferry's rules on top: a new user gets a derived,
 * unique username and a personal namespace; linked accounts' tokens are encrypted at rest.
 */
export function ferryAdapter(): Adapter {
  // The adapter only needs the model delegates; Prisma 7's generated client is structurally compatible.
  const base = PrismaAdapter(db as never);

  return {
    ...base,
    async createUser(data: Omit<AdapterUser, "id">) {
      const { usernameCandidate, name, email, image, emailVerified } = data as AdapterUser & { usernameCandidate?: string };
      const username = await freeUsername(usernameCandidate ?? name ?? email?.split("@")[0] ?? "user");
      const user = await db.$transaction((tx) => createUserWithNamespace(tx, { username, name: name ?? username, email: email || null, image, emailVerified }));
      return { id: user.id, name: user.name, email: user.email ?? "", emailVerified: user.emailVerified, image: user.image };
    },
    async linkAccount(account: AdapterAccount) {
      await db.account.create({
        data: {
          userId: account.userId,
          type: account.type,
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          access_token: encryptOptional(account.access_token),
          refresh_token: encryptOptional(account.refresh_token),
          id_token: encryptOptional(account.id_token),
          expires_at: account.expires_at ?? null,
          token_type: account.token_type ?? null,
          scope: account.scope ?? null,
        },
      });
    },
  };
}
