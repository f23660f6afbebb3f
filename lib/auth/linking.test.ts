import { beforeEach, describe, expect, it } from "vitest";
import { decryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { hashPassword } from "@/lib/users/passwords";
import { resetDatabase } from "@/test/db";
import { patchEnv } from "@/test/env";
import type { IdentityProfile } from "./identity-providers";
import { confirmIdentitySwitch, decideSignIn, declineIdentitySwitch, disconnectIdentity, pendingSwitch, setPassword } from "./linking";
import { verifyLocalCredentials } from "./password-sign-in";

patchEnv({ NEXTAUTH_URL: "http://ferry.test" });

const BOB = { uuid: "{2d8c6e1a-5f47-4b39-8e2d-0a1c3b5d7e02}", nickname: "bob", display_name: "Bob Brown", account_id: "557058:bob" };
const CAROL = { uuid: "{9e4a7c2f-3b18-4d6e-b5a0-8f1e2d3c4b03}", nickname: "carol", display_name: "Carol Chen", account_id: "557058:carol" };

const answer = (profile: typeof BOB) => ({
  account: { provider: "bitbucket", providerAccountId: profile.uuid, access_token: `access-${profile.nickname}`, refresh_token: `refresh-${profile.nickname}`, expires_at: 2_000_000_000 },
  profile: { id: profile.uuid, login: profile.nickname, name: profile.display_name, externalAccountId: profile.account_id, avatarUrl: null, email: null } satisfies IdentityProfile,
});

async function user(username: string, options: { password?: string; kind?: "human" | "placeholder" } = {}) {
  return db.user.create({
    data: { username, name: username, kind: options.kind ?? "human", passwordHash: options.password ? await hashPassword(options.password) : null },
  });
}

async function link(userId: string, profile: typeof BOB) {
  return db.account.create({ data: { userId, type: "oauth", provider: "bitbucket", providerAccountId: profile.uuid, nickname: profile.nickname, displayName: profile.display_name } });
}

beforeEach(resetDatabase);

describe("Bitbucket's answer to the OAuth round-trip", () => {
  it("signs in when signed out, unless an administrator disabled Bitbucket sign-in", async () => {
    const { account, profile } = answer(BOB);
    expect(await decideSignIn({ sessionUserId: null, intent: null }, account, profile)).toBe(true);
    await updateSettings({ bitbucketSignInEnabled: false });
    expect(await decideSignIn({ sessionUserId: null, intent: null }, account, profile)).toBe("http://ferry.test/sign-in?error=BitbucketSignInDisabled");
    // Linking for imports (signed in) still works.
    const local = await user("local", { password: "correct horse" });
    expect(await decideSignIn({ sessionUserId: local.id, intent: { mode: "connect" } }, account, profile)).toBe(true);
  });

  it("refuses to link an account that another Ferry user linked", async () => {
    const first = await user("first");
    await link(first.id, BOB);
    const second = await user("second", { password: "correct horse" });
    const { account, profile } = answer(BOB);
    const decision = await decideSignIn({ sessionUserId: second.id, intent: { mode: "connect" } }, account, profile);
    expect(decision).toBe("http://ferry.test/profile/account?error=linked_elsewhere&provider=bitbucket&nickname=bob");
    expect(await db.account.count({ where: { userId: second.id } })).toBe(0);
  });

  it("refreshes on Reconnect with the same account, and asks before switching to another one", async () => {
    const local = await user("local", { password: "correct horse" });
    const bob = await link(local.id, BOB);
    const same = answer(BOB);
    expect(await decideSignIn({ sessionUserId: local.id, intent: { mode: "reconnect", identityId: bob.id } }, same.account, same.profile)).toBe(true);

    const other = answer(CAROL);
    const decision = await decideSignIn({ sessionUserId: local.id, intent: { mode: "reconnect", identityId: bob.id } }, other.account, other.profile);
    expect(typeof decision).toBe("string");
    const url = new URL(decision as string);
    expect(url.pathname).toBe("/profile/account");
    const pendingId = url.searchParams.get("switch")!;
    expect(url.searchParams.get("replace")).toBe(bob.id);
    // Nothing switched yet; the answer waits, its tokens encrypted.
    expect(await db.account.findMany({ where: { userId: local.id, provider: "bitbucket" }, select: { providerAccountId: true } })).toEqual([{ providerAccountId: BOB.uuid }]);
    const waiting = await db.account.findUniqueOrThrow({ where: { id: pendingId } });
    expect(waiting.access_token).toMatch(/^enc:v1:/);
    expect(decryptSecret(waiting.access_token!)).toBe("access-carol");

    // Someone else cannot confirm it.
    const stranger = await user("stranger");
    await expect(confirmIdentitySwitch(stranger.id, { pendingId, replaceId: bob.id })).rejects.toMatchObject({ code: "switch_expired" });

    expect(await pendingSwitch(local.id, pendingId, bob.id)).toMatchObject({ nickname: "carol", uuid: CAROL.uuid, replacing: { nickname: "bob" } });
    await confirmIdentitySwitch(local.id, { pendingId, replaceId: bob.id });
    const identities = await db.account.findMany({ where: { userId: local.id } });
    expect(identities.map((identity) => [identity.provider, identity.providerAccountId, identity.nickname])).toEqual([["bitbucket", CAROL.uuid, "carol"]]);
  });

  it("keeps the linked account when the user declines the switch", async () => {
    const local = await user("local", { password: "correct horse" });
    const bob = await link(local.id, BOB);
    const other = answer(CAROL);
    const decision = await decideSignIn({ sessionUserId: local.id, intent: { mode: "reconnect", identityId: bob.id } }, other.account, other.profile);
    const pendingId = new URL(decision as string).searchParams.get("switch")!;
    await declineIdentitySwitch(local.id, { pendingId });
    expect((await db.account.findMany({ where: { userId: local.id } })).map((identity) => identity.providerAccountId)).toEqual([BOB.uuid]);
  });

  it("never signs a placeholder in", async () => {
    const placeholder = await user("carol-placeholder", { kind: "placeholder", password: "correct horse" });
    await link(placeholder.id, CAROL);
    const { account, profile } = answer(CAROL);
    expect(await decideSignIn({ sessionUserId: null, intent: null }, account, profile)).toBe("http://ferry.test/sign-in?error=AccessDenied");
    await expect(verifyLocalCredentials({ username: "carol-placeholder", password: "correct horse" })).rejects.toMatchObject({ code: "invalid_credentials" });
  });
});

describe("disconnecting an identity", () => {
  it("is refused when it is the only way to sign in", async () => {
    const bitbucketOnly = await user("bitbucket-only");
    const bob = await link(bitbucketOnly.id, BOB);
    await expect(disconnectIdentity(bitbucketOnly.id, { identityId: bob.id })).rejects.toMatchObject({ code: "last_sign_in_method", status: 409 });
    expect(await db.account.count({ where: { id: bob.id } })).toBe(1);

    // With a second identity, one of them may go.
    const carol = await link(bitbucketOnly.id, CAROL);
    await disconnectIdentity(bitbucketOnly.id, { identityId: carol.id });
    expect(await db.account.count({ where: { userId: bitbucketOnly.id } })).toBe(1);
  });

  it("is allowed for a user with a password, but not while an import uses the identity", async () => {
    const local = await user("local", { password: "correct horse" });
    const bob = await link(local.id, BOB);
    const namespace = await db.namespace.create({ data: { kind: "user", name: "local", path: "local", fullPath: "local", ownerId: local.id } });
    const project = await db.project.create({ data: { namespaceId: namespace.id, name: "p", path: "p", fullPath: "local/p" } });
    const running = await db.projectImport.create({ data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: "acme/p", userId: local.id, credentialAccountId: bob.id, status: "started" } });
    await expect(disconnectIdentity(local.id, { identityId: bob.id })).rejects.toMatchObject({ code: "identity_in_use" });
    await db.projectImport.update({ where: { id: running.id }, data: { status: "finished" } });
    await disconnectIdentity(local.id, { identityId: bob.id });
    expect(await db.account.count({ where: { userId: local.id } })).toBe(0);
  });

  it("cannot touch someone else's identity", async () => {
    const owner = await user("owner", { password: "correct horse" });
    const bob = await link(owner.id, BOB);
    const other = await user("other", { password: "correct horse" });
    await expect(disconnectIdentity(other.id, { identityId: bob.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("password sign-in", () => {
  it("accepts the username or email with the right password only, and locks after repeated failures", async () => {
    await db.user.create({ data: { username: "dora", email: "dora@example.com", passwordHash: await hashPassword("correct horse") } });
    expect(await verifyLocalCredentials({ username: "Dora", password: "correct horse" })).toMatchObject({ username: "dora" });
    expect(await verifyLocalCredentials({ username: "dora@example.com", password: "correct horse" })).toMatchObject({ username: "dora" });
    await expect(verifyLocalCredentials({ username: "nobody", password: "correct horse" })).rejects.toMatchObject({ code: "invalid_credentials" });
    for (let attempt = 0; attempt < 10; attempt++) {
      await expect(verifyLocalCredentials({ username: "dora", password: "wrong" })).rejects.toMatchObject({ code: "invalid_credentials" });
    }
    await expect(verifyLocalCredentials({ username: "dora", password: "correct horse" })).rejects.toMatchObject({ code: "too_many_attempts", status: 429 });
  });

  it("ends the user's other sessions when the password changes, keeping the one that changed it", async () => {
    const dora = await db.user.create({ data: { username: "dora", email: "dora@example.com", passwordHash: await hashPassword("correct horse") } });
    const other = await db.user.create({ data: { username: "other", email: "other@example.com" } });
    const expires = new Date(Date.now() + 60_000);
    await db.session.createMany({
      data: [
        { sessionToken: "dora-here", userId: dora.id, expires },
        { sessionToken: "dora-stolen", userId: dora.id, expires },
        { sessionToken: "other-session", userId: other.id, expires },
      ],
    });
    await setPassword(dora.id, { currentPassword: "correct horse", newPassword: "battery staple", keepSessionToken: "dora-here" });
    expect((await db.session.findMany({ orderBy: { sessionToken: "asc" } })).map((session) => session.sessionToken)).toEqual(["dora-here", "other-session"]);
  });

  it("refuses users without a password (Bitbucket sign-ins)", async () => {
    await user("bitbucket-user");
    await expect(verifyLocalCredentials({ username: "bitbucket-user", password: "" })).rejects.toMatchObject({ code: "invalid_credentials" });
  });
});
