import { PrismaAdapter } from "@next-auth/prisma-adapter";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import { db } from "@/lib/db";
import { encryptOptional } from "@/lib/crypto";
import { uniqueUsername } from "./usernames";

async function isUsernameTaken(candidate: string): Promise<boolean> {
  const [user, namespace] = await Promise.all([
    db.user.findFirst({ where: { username: { equals: candidate, mode: "insensitive" } }, select: { id: true } }),
    db.namespace.findFirst({ where: { fullPath: { equals: candidate, mode: "insensitive" } }, select: { id: true } }),
  ]);
  return Boolean(user || namespace);
}

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
      const username = await uniqueUsername(usernameCandidate ?? name ?? email?.split("@")[0] ?? "user", isUsernameTaken);
      const user = await db.$transaction(async (tx) => {
        const created = await tx.user.create({ data: { username, name: name ?? username, email: email || null, image, emailVerified } });
        await tx.namespace.create({ data: { kind: "user", name: created.name ?? username, path: username, fullPath: username, ownerId: created.id } });
        return created;
      });
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
