import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import {
  createPersonalAccessToken,
  hashToken,
  isExpired,
  listPersonalAccessTokens,
  parseExpiryDate,
  revokePersonalAccessToken,
  scopesAllow,
  TOKEN_PREFIX,
  verifyPersonalAccessToken,
} from "./index";

beforeEach(resetDatabase);

async function user(username = "alice") {
  return db.user.create({ data: { username, name: username } });
}

describe("creating tokens", () => {
  it("returns a recognizable random token and stores only its SHA-256 hash", async () => {
    const alice = await user();
    const { token, summary } = await createPersonalAccessToken(alice.id, { name: "ci", scopes: ["api"] });
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBe(TOKEN_PREFIX.length + 43);
    expect(summary).toMatchObject({ name: "ci", scopes: ["api"], state: "active", expiresAt: null, lastUsedAt: null });
    expect(token.startsWith(summary.tokenPrefix)).toBe(true);

    const row = await db.personalAccessToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    // Nothing in the row holds the token in clear (the shown prefix is not enough to use it).
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.tokenPrefix.length).toBeLessThan(token.length / 2);

    const second = await createPersonalAccessToken(alice.id, { name: "ci", scopes: ["api"] });
    expect(second.token).not.toBe(token);
  });

  it("rejects a blank name, unknown scopes and an expiry that is not after today", async () => {
    const alice = await user();
    const now = new Date("2026-11-20T15:00:00Z");
    await expect(createPersonalAccessToken(alice.id, { name: "  ", scopes: ["api"] })).rejects.toMatchObject({ status: 400, message: /Name can't be blank/ });
    await expect(createPersonalAccessToken(alice.id, { name: "x", scopes: [] })).rejects.toMatchObject({ message: /Scopes must include api or read_api/ });
    await expect(createPersonalAccessToken(alice.id, { name: "x", scopes: ["sudo" as never] })).rejects.toMatchObject({ status: 400 });
    await expect(createPersonalAccessToken(alice.id, { name: "x", scopes: ["api"], expiresAt: "2026-11-20" }, now)).rejects.toMatchObject({ message: /Expiration date must be after today/ });
    await expect(createPersonalAccessToken(alice.id, { name: "x", scopes: ["api"], expiresAt: "2026-02-30" }, now)).rejects.toMatchObject({ message: /Expiration date must be a date like/ });
    const ok = await createPersonalAccessToken(alice.id, { name: "x", scopes: ["read_api", "read_api"], expiresAt: "2026-11-21" }, now);
    expect(ok.summary.scopes).toEqual(["read_api"]);
    expect(ok.summary.expiresAt?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(await db.personalAccessToken.count()).toBe(1);
  });

  it("refuses tokens for placeholder users", async () => {
    const placeholder = await db.user.create({ data: { username: "placeholder-1", kind: "placeholder" } });
    await expect(createPersonalAccessToken(placeholder.id, { name: "x", scopes: ["api"] })).rejects.toMatchObject({ status: 404 });
  });
});

describe("verifying tokens", () => {
  it("authenticates the token's user with its scopes and records when it was used", async () => {
    const alice = await user();
    const { token, summary } = await createPersonalAccessToken(alice.id, { name: "ci", scopes: ["read_api"] });
    const now = new Date();
    const result = await verifyPersonalAccessToken(token, now);
    expect(result).toEqual({ ok: true, user: expect.objectContaining({ id: alice.id, username: "alice", isAdmin: false }), tokenId: summary.id, scopes: ["read_api"] });
    const row = await db.personalAccessToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.lastUsedAt?.getTime()).toBe(now.getTime());
  });

  it("refuses unknown, altered, revoked and expired tokens", async () => {
    const alice = await user();
    const { token, summary } = await createPersonalAccessToken(alice.id, { name: "ci", scopes: ["api"], expiresAt: "2099-01-01" });
    expect(await verifyPersonalAccessToken(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifyPersonalAccessToken("glpat-something")).toEqual({ ok: false, reason: "unknown" });
    expect(await verifyPersonalAccessToken(token, new Date("2098-12-31T23:59:59Z"))).toMatchObject({ ok: true });
    expect(await verifyPersonalAccessToken(token, new Date("2099-01-01T00:00:00Z"))).toEqual({ ok: false, reason: "expired" });

    await revokePersonalAccessToken(alice.id, summary.id);
    expect(await verifyPersonalAccessToken(token)).toEqual({ ok: false, reason: "revoked" });
  });
});

describe("listing and revoking", () => {
  it("lists a user's own tokens with their state, and lets only the owner revoke", async () => {
    const [alice, bob] = [await user("alice"), await user("bob")];
    const first = await createPersonalAccessToken(alice.id, { name: "first", scopes: ["api"] });
    const second = await createPersonalAccessToken(alice.id, { name: "second", scopes: ["read_api"], expiresAt: "2099-06-01" });
    await createPersonalAccessToken(bob.id, { name: "bob's", scopes: ["api"] });

    await expect(revokePersonalAccessToken(bob.id, first.summary.id)).rejects.toMatchObject({ status: 404 });
    const revoked = await revokePersonalAccessToken(alice.id, first.summary.id);
    expect(revoked.state).toBe("revoked");
    const again = await revokePersonalAccessToken(alice.id, first.summary.id);
    expect(again.revokedAt?.getTime()).toBe(revoked.revokedAt?.getTime());

    const list = await listPersonalAccessTokens(alice.id, new Date("2099-07-01T00:00:00Z"));
    expect(list.map((token) => [token.name, token.state])).toEqual([
      ["second", "expired"],
      ["first", "revoked"],
    ]);
    expect(JSON.stringify(list)).not.toContain(first.token);
  });
});

describe("helpers", () => {
  it("maps scopes to access and parses expiry dates", () => {
    expect(scopesAllow(["api"], "write")).toBe(true);
    expect(scopesAllow(["read_api"], "read")).toBe(true);
    expect(scopesAllow(["read_api"], "write")).toBe(false);
    expect(scopesAllow([], "read")).toBe(false);
    expect(parseExpiryDate("2027-01-31")?.toISOString()).toBe("2027-01-31T00:00:00.000Z");
    expect(parseExpiryDate("2027-1-31")).toBeNull();
    expect(isExpired(null)).toBe(false);
  });
});
