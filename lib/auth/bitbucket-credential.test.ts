import { describe, expect } from "vitest";
import { SANDBOX_ACCOUNTS, type SandboxState } from "@/mocks/bitbucket";
import { createBitbucketClient } from "@/lib/bitbucket";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { sandboxTest as test } from "@/test/sandbox";
import { bitbucketCredentialForAccount, bitbucketCredentialForUser } from "./bitbucket-credential";

async function linkAlice(state: SandboxState, options: { expiresInSeconds: number }) {
  const tokens = state.grantTokensFor("alice");
  const user = await db.user.create({ data: { username: "alice", name: "Alice Anders" } });
  const account = await db.account.create({
    data: {
      userId: user.id,
      type: "oauth",
      provider: "bitbucket",
      providerAccountId: SANDBOX_ACCOUNTS.alice.uuid,
      access_token: encryptSecret(tokens.accessToken),
      refresh_token: encryptSecret(tokens.refreshToken),
      expires_at: Math.floor(Date.now() / 1000) + options.expiresInSeconds,
    },
  });
  return { user, account, tokens };
}

function refreshGrants(state: SandboxState) {
  return state.requests(0).filter((request) => request.path === "/site/oauth2/access_token");
}

describe("the Bitbucket credential of a Ferry user", () => {
  test("uses the stored token while it is valid, without refreshing", async ({ sandbox }) => {
    const { user, tokens } = await linkAlice(sandbox.state, { expiresInSeconds: 3600 });
    const credential = await bitbucketCredentialForUser(user.id);
    expect(credential.kind).toBe("oauth");
    if (credential.kind !== "oauth") return;
    expect(await credential.getAccessToken()).toBe(tokens.accessToken);
    expect(refreshGrants(sandbox.state)).toHaveLength(0);
  });

  test("refreshes a token that is about to expire exactly once for concurrent callers, and stores it encrypted", async ({ sandbox }) => {
    const { account, tokens } = await linkAlice(sandbox.state, { expiresInSeconds: 2 });
    const credentials = Array.from({ length: 6 }, () => bitbucketCredentialForAccount(account.id));
    const results = await Promise.all(credentials.map((credential) => (credential.kind === "oauth" ? credential.getAccessToken() : "")));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(tokens.accessToken);
    expect(refreshGrants(sandbox.state)).toHaveLength(1);
    const stored = await db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.access_token).toMatch(/^enc:v1:/);
    expect(decryptSecret(stored.access_token!)).toBe(results[0]);
    expect(stored.expires_at!).toBeGreaterThan(Date.now() / 1000 + 3000);
  });

  test("recovers from Bitbucket's 401 'expired' by refreshing and retrying the request", async ({ sandbox }) => {
    sandbox.state.updateKnobs({ tokenLifetimeSeconds: 1 });
    const { account } = await linkAlice(sandbox.state, { expiresInSeconds: 3600 }); // Ferry believes the token is fresh.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    sandbox.state.updateKnobs({ tokenLifetimeSeconds: 7200 });
    const client = createBitbucketClient({ apiUrl: sandbox.url, credential: bitbucketCredentialForAccount(account.id) });
    const me = await client.getCurrentUser();
    expect(me.nickname).toBe("alice");
    const statuses = sandbox.state.requests(0).map((request) => `${request.status} ${request.path}`);
    expect(statuses).toEqual(["401 /2.0/user", "200 /site/oauth2/access_token", "200 /2.0/user"]);
  });

  test("asks the user to reconnect when Bitbucket revoked the grant", async ({ sandbox }) => {
    const { account } = await linkAlice(sandbox.state, { expiresInSeconds: 1 });
    sandbox.state.revokeTokensOf(SANDBOX_ACCOUNTS.alice.uuid);
    const credential = bitbucketCredentialForAccount(account.id);
    if (credential.kind !== "oauth") throw new Error("expected an OAuth credential");
    await expect(credential.getAccessToken()).rejects.toMatchObject({ code: "bitbucket_reconnect_required", status: 401 });
  });

  test("tells a user without a linked Bitbucket account to connect one", async () => {
    const user = await db.user.create({ data: { username: "local", name: "Local User" } });
    await expect(bitbucketCredentialForUser(user.id)).rejects.toMatchObject({ code: "bitbucket_not_connected" });
  });
});
