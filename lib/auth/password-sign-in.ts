import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/users/passwords";

/**
 * Username + password sign-in for local users. next-auth's Credentials provider cannot create
 * database sessions, so Ferry does what next-auth's OAuth callback does: a row in `sessions`
 * and next-auth's session cookie holding its token. From then on next-auth reads, refreshes and
 * ends the session as it does for Bitbucket sign-ins.
 */

/** Same lifetime as next-auth's sessions (lib/auth/options.ts). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** next-auth's cookie: `__Secure-` prefixed when Ferry is served over https (next-auth/core/lib/cookie.js). */
export function sessionCookie(): { name: string; secure: boolean } {
  const secure = config().NEXTAUTH_URL.startsWith("https://");
  return { name: `${secure ? "__Secure-" : ""}next-auth.session-token`, secure };
}

export async function createDatabaseSession(userId: string): Promise<{ sessionToken: string; expires: Date }> {
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const session = await db.session.create({ data: { sessionToken: randomUUID(), userId, expires } });
  return { sessionToken: session.sessionToken, expires };
}

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 10;
const failures = new Map<string, number[]>();

function recentFailures(key: string, now: number): number[] {
  const recent = (failures.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (recent.length) failures.set(key, recent);
  else failures.delete(key);
  return recent;
}

/** A hash to compare against when the user does not exist, so a wrong username takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

const invalid = () => new AppError("invalid_credentials", "Incorrect username or password.", { status: 401 });

/**
 * The user these credentials belong to. Placeholders and users without a password cannot sign
 * in this way; after 10 failures in 15 minutes a username is locked for the rest of the window.
 */
export async function verifyLocalCredentials(input: { username: string; password: string }): Promise<{ id: string; username: string }> {
  const login = input.username.trim().replace(/^@/, "");
  const key = login.toLowerCase();
  const now = Date.now();
  const recent = recentFailures(key, now);
  if (recent.length >= MAX_FAILURES) {
    const minutes = Math.ceil((recent[0]! + WINDOW_MS - now) / 60_000);
    throw new AppError("too_many_attempts", `Too many failed sign-ins for this user. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, { status: 429 });
  }
  const user = await db.user.findFirst({
    where: { OR: [{ username: sameTextIgnoringCase(login) }, { email: sameTextIgnoringCase(login) }] },
    select: { id: true, username: true, kind: true, passwordHash: true },
  });
  const usable = user && user.kind === "human" && user.passwordHash;
  const matches = await verifyPassword(input.password, usable ? user.passwordHash : await (decoyHash ??= hashPassword(randomUUID())));
  if (!usable || !matches) {
    failures.set(key, [...recent, now]);
    throw invalid();
  }
  failures.delete(key);
  return { id: user.id, username: user.username };
}

/** A same-site path to return to after signing in; anything else goes to the start page. */
export function safeReturnPath(value: string | null | undefined, fallback = "/"): string {
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : fallback;
}
