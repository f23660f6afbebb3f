import { z } from "zod";
import { db, type DbTransaction, type User } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import { pathProblem, pathProblemMessage } from "@/lib/namespaces/paths";
import { uniqueUsername } from "@/lib/auth/usernames";
import { hashPassword } from "./passwords";

export async function isUsernameTaken(candidate: string): Promise<boolean> {
  const [user, namespace] = await Promise.all([
    db.user.findFirst({ where: { username: sameTextIgnoringCase(candidate) }, select: { id: true } }),
    db.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(candidate) }, select: { id: true } }),
  ]);
  return Boolean(user || namespace);
}

/** A user and their personal namespace, in one transaction. */
export async function createUserWithNamespace(
  tx: DbTransaction,
  data: { username: string; name: string; email: string | null; image?: string | null; emailVerified?: Date | null; isAdmin?: boolean; passwordHash?: string | null },
): Promise<User> {
  const user = await tx.user.create({ data });
  await tx.namespace.create({ data: { kind: "user", name: user.name ?? user.username, path: user.username, fullPath: user.username, ownerId: user.id } });
  return user;
}

/** A username derived from a name or nickname that is valid and free. */
export function freeUsername(candidate: string): Promise<string> {
  return uniqueUsername(candidate, isUsernameTaken);
}

export const localUserSchema = z.object({
  username: z.string().trim().min(1, "is required").max(255),
  email: z.email("must be an email address"),
  name: z.string().trim().min(1).max(255).optional(),
  password: z.string().min(8, "must be at least 8 characters").max(1024),
  admin: z.boolean().default(false),
});
export type LocalUserInput = z.input<typeof localUserSchema>;

/** A local (username + password) user, created by an administrator or `npx ferry users create`. */
export async function createLocalUser(input: LocalUserInput): Promise<User> {
  const parsed = localUserSchema.parse(input);
  const problem = pathProblem(parsed.username, { topLevel: true });
  if (problem) throw new AppError("invalid_username", `Username ${pathProblemMessage(problem)}.`);
  if (await isUsernameTaken(parsed.username)) throw new AppError("username_taken", `The username ${parsed.username} is already taken.`);
  const emailTaken = await db.user.findFirst({ where: { email: sameTextIgnoringCase(parsed.email) }, select: { id: true } });
  if (emailTaken) throw new AppError("email_taken", `The email ${parsed.email} is already in use.`);
  const passwordHash = await hashPassword(parsed.password);
  return db.$transaction((tx) =>
    createUserWithNamespace(tx, { username: parsed.username, name: parsed.name ?? parsed.username, email: parsed.email, isAdmin: parsed.admin, passwordHash }),
  );
}
