import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/users/passwords";
import { FailureLog } from "./failure-log";

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
/** Failures per account in the window; then the account is locked for the rest of it, whatever spelling or e-mail is typed. */
const MAX_ACCOUNT_FAILURES = 10;
/** Failures per client address in the window, across all accounts. */
const MAX_ADDRESS_FAILURES = 50;
const failures = new FailureLog({ windowMs: WINDOW_MS, maxKeys: 10_000, maxPerKey: MAX_ADDRESS_FAILURES });

function tooMany(recent: number[], now: number, who: string): AppError {
  const minutes = Math.ceil((recent[0]! + WINDOW_MS - now) / 60_000);
  return new AppError("too_many_attempts", `Too many failed sign-ins ${who}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
}

/** A hash to compare against when the user does not exist, so a wrong username takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

const invalid = () => new AppError("invalid_credentials", "Incorrect username or password.");

/**
 * The user these credentials belong to. Placeholders and users without a password cannot sign
 * in this way. Failures count against the account the name or e-mail resolves to and against the
 * client's address: 10 for an account or 50 from an address in 15 minutes lock it for the rest
 * of the window.
 */
export async function verifyLocalCredentials(input: { username: string; password: string; clientAddress?: string }): Promise<{ id: string; username: string }> {
  const login = input.username.trim().replace(/^@/, "");
  const now = Date.now();
  const addressKey = `address:${input.clientAddress ?? "unknown"}`;
  const fromAddress = failures.recent(addressKey, now);
  if (fromAddress.length >= MAX_ADDRESS_FAILURES) throw tooMany(fromAddress, now, "from this address");
  const user = await db.user.findFirst({
    where: { OR: [{ username: sameTextIgnoringCase(login) }, { email: sameTextIgnoringCase(login) }] },
    select: { id: true, username: true, kind: true, passwordHash: true },
  });
  const accountKey = user ? `user:${user.id}` : `login:${login.toLowerCase()}`;
  const forAccount = failures.recent(accountKey, now);
  if (forAccount.length >= MAX_ACCOUNT_FAILURES) throw tooMany(forAccount, now, "for this user");
  const usable = user && user.kind === "human" && user.passwordHash;
  const matches = await verifyPassword(input.password, usable ? user.passwordHash : await (decoyHash ??= hashPassword(randomUUID())));
  if (!usable || !matches) {
    failures.record(accountKey, now);
    failures.record(addressKey, now);
    throw invalid();
  }
  failures.clear(accountKey);
  return { id: user.id, username: user.username };
}

/**
 * The client's address as the nearest proxy reports it (the last `X-Forwarded-For` entry, or
 * `X-Real-IP`); "unknown" when Ferry is reached directly.
 */
export function clientAddressFrom(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}

/** A same-site path to return to after signing in; anything else goes to the start page. */
export function safeReturnPath(value: string | null | undefined, fallback = "/"): string {
  if (!value || !value.startsWith("/")) return fallback;
  // Resolved the way a browser resolves it (tabs and newlines dropped, `\` read as `/`): it must stay on this origin.
  const origin = "http://ferry.invalid";
  try {
    const resolved = new URL(value, origin);
    if (resolved.origin !== origin) return fallback;
    const path = resolved.pathname + resolved.search + resolved.hash;
    // `/%2F/evil.example` stays a path here, but some servers decode it to `//evil.example`.
    return path.startsWith("//") || /^\/%(?:2f|5c)/i.test(path) ? fallback : path;
  } catch {
    return fallback;
  }
}
