import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * Personal access tokens for the REST API and git over HTTP.
 *
 * A token is `ferry-pat-` followed by 43 random base64url characters (256 bits). Only its
 * SHA-256 hash is stored, with the first characters (`tokenPrefix`) to tell tokens apart in
 * lists; the token itself is shown once, when it is created. A token carries scopes: `api`
 * (read and write) or `read_api` (read only). It may expire on a date: from 00:00 UTC of that
 * date on it is refused (as GitLab does), and a revoked token is refused for good.
 */

export const TOKEN_PREFIX = "ferry-pat-";
/** How much of the token lists show: the prefix and four random characters. */
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 4;
/** lastUsedAt is written at most this often per token, so busy clients do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const TOKEN_SCOPES = ["api", "read_api"] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

export const TOKEN_SCOPE_DESCRIPTIONS: Record<TokenScope, string> = {
  api: "Full read and write access to the API, including starting imports.",
  read_api: "Read-only access to the API.",
};

/** What a request needs: `read` is granted by `read_api` or `api`, `write` only by `api`. */
export type TokenAccess = "read" | "write";

export function scopesAllow(scopes: readonly string[], access: TokenAccess): boolean {
  return scopes.includes("api") || (access === "read" && scopes.includes("read_api"));
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** The UTC day `YYYY-MM-DD` as a Date at 00:00 UTC; null when it is not a real date. */
export function parseExpiryDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** A token expiring on a date is valid until that date begins (00:00 UTC). */
export function isExpired(expiresAt: Date | null, now: Date = new Date()): boolean {
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "can't be blank").max(255, "is too long (maximum is 255 characters)"),
  scopes: z.array(z.enum(TOKEN_SCOPES, "can only be api or read_api"), "must be a list of scopes").min(1, "must include api or read_api"),
  /** `YYYY-MM-DD`, a day after today (UTC); no expiry when absent or empty. */
  expiresAt: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const date = parseExpiryDate(value);
      if (!date) {
        context.addIssue({ code: "custom", message: "must be a date like 2027-01-31" });
        return z.NEVER;
      }
      return date;
    }),
});
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export type TokenSummary = {
  id: number;
  name: string;
  scopes: TokenScope[];
  tokenPrefix: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** "active", "expired" or "revoked". */
  state: "active" | "expired" | "revoked";
};

const summarySelect = {
  id: true,
  name: true,
  scopes: true,
  tokenPrefix: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

type SummaryRow = { id: number; name: string; scopes: string[]; tokenPrefix: string; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date };

function knownScopes(scopes: readonly string[]): TokenScope[] {
  return scopes.filter((scope): scope is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(scope));
}

function toSummary(row: SummaryRow, now: Date = new Date()): TokenSummary {
  return {
    ...row,
    scopes: knownScopes(row.scopes),
    state: row.revokedAt ? "revoked" : isExpired(row.expiresAt, now) ? "expired" : "active",
  };
}

const FIELD_LABELS: Record<string, string> = { name: "Name", scopes: "Scopes", expiresAt: "Expiration date" };

function describeFieldProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `${FIELD_LABELS[String(issue.path[0])] ?? "Input"} ${issue.message}`).join("; ");
}

/** Creates a token; the returned `token` is the only time it exists in clear. */
export async function createPersonalAccessToken(
  userId: string,
  input: CreateTokenInput,
  now: Date = new Date(),
): Promise<{ token: string; summary: TokenSummary }> {
  const parsed = createTokenSchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_token_request", `The token could not be created: ${describeFieldProblems(parsed.error)}.`);
  const { name, expiresAt } = parsed.data;
  if (expiresAt && expiresAt.getTime() <= startOfUtcDay(now).getTime()) {
    throw new AppError("invalid_token_request", "The token could not be created: Expiration date must be after today.");
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { kind: true } });
  if (!user || user.kind !== "human") throw new AppError("user_not_found", "That user does not exist.");
  const scopes = [...new Set(parsed.data.scopes)];
  const token = generateToken();
  const row = await db.personalAccessToken.create({
    data: { userId, name, scopes, tokenHash: hashToken(token), tokenPrefix: token.slice(0, SHOWN_PREFIX_LENGTH), expiresAt },
    select: summarySelect,
  });
  return { token, summary: toSummary(row, now) };
}

/** The user's tokens, newest first (active, expired and revoked). */
export async function listPersonalAccessTokens(userId: string, now: Date = new Date()): Promise<TokenSummary[]> {
  const rows = await db.personalAccessToken.findMany({ where: { userId }, select: summarySelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map((row) => toSummary(row, now));
}

/** Revokes one of the user's own tokens; another user's token is "not found". Revoking twice is harmless. */
export async function revokePersonalAccessToken(userId: string, tokenId: number, now: Date = new Date()): Promise<TokenSummary> {
  const row = await db.personalAccessToken.findFirst({ where: { id: tokenId, userId }, select: summarySelect });
  if (!row) throw new AppError("token_not_found", "That access token does not exist.");
  if (row.revokedAt) return toSummary(row, now);
  const updated = await db.personalAccessToken.update({ where: { id: tokenId }, data: { revokedAt: now }, select: summarySelect });
  return toSummary(updated, now);
}

export type TokenRejection = "unknown" | "revoked" | "expired";

export type TokenVerification =
  | { ok: true; user: SessionUser; tokenId: number; scopes: TokenScope[] }
  | { ok: false; reason: TokenRejection };

/**
 * Looks a presented token up by its hash. Unknown, revoked and expired tokens are refused with
 * the reason (the API words its 401 after it); tokens of placeholder users never authenticate.
 */
export async function verifyPersonalAccessToken(token: string, now: Date = new Date()): Promise<TokenVerification> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: "unknown" };
  const row = await db.personalAccessToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { id: true, kind: true, username: true, name: true, email: true, image: true, isAdmin: true } },
    },
  });
  if (!row || row.user.kind !== "human") return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (isExpired(row.expiresAt, now)) return { ok: false, reason: "expired" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.personalAccessToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const { id, username, name, email, image, isAdmin } = row.user;
  return { ok: true, user: { id, username, name, email, image, isAdmin }, tokenId: row.id, scopes: knownScopes(row.scopes) };
}
