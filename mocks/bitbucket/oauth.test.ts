import { describe, expect, it } from "vitest";
import { createBitbucketHandlers, createSandboxState, SANDBOX_ACCOUNTS, SANDBOX_CONSUMER } from "./index";
import { API, WEB, basic, bearer, sleep, useSandboxHandlers } from "@/test/sandbox";

const { state, server } = useSandboxHandlers();
const CALLBACK = "http://localhost:3000/api/auth/callback/bitbucket";
const clientAuth = basic(SANDBOX_CONSUMER.key, SANDBOX_CONSUMER.secret);

async function decide(fields: Record<string, string>): Promise<Response> {
  return fetch(`${WEB}/site/oauth2/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: SANDBOX_CONSUMER.key, response_type: "code", ...fields }),
  });
}

async function authorizationCode(nickname: keyof typeof SANDBOX_ACCOUNTS = "alice", redirectUri = CALLBACK): Promise<string> {
  const response = await decide({ account: SANDBOX_ACCOUNTS[nickname].uuid, decision: "grant", state: "xyz", redirect_uri: redirectUri });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(location.searchParams.get("state")).toBe("xyz");
  return location.searchParams.get("code")!;
}

async function token(fields: Record<string, string>, auth: string | null = clientAuth): Promise<Response> {
  return fetch(`${WEB}/site/oauth2/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(auth ? { Authorization: auth } : {}) },
    body: new URLSearchParams(fields),
  });
}

async function currentUser(accessToken: string): Promise<Response> {
  return fetch(`${API}/2.0/user`, { headers: { Authorization: bearer(accessToken) } });
}

describe("authorize page", () => {
  it("shows a consent page listing the accounts, alice pre-selected", async () => {
    const response = await fetch(`${WEB}/site/oauth2/authorize?client_id=${SANDBOX_CONSUMER.key}&response_type=code&state=abc&redirect_uri=${encodeURIComponent(CALLBACK)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain("<title>Authorize Ferry</title>");
    for (const account of Object.values(SANDBOX_ACCOUNTS)) {
      expect(page).toContain(`<label for="account-${account.nickname}">${account.display_name} (${account.nickname})</label>`);
    }
    expect(page).toMatch(/id="account-alice"[^>]*checked/);
    expect(page).not.toMatch(/id="account-bob"[^>]*checked/);
    expect(page).toContain(">Grant access</button>");
    expect(page).toContain(">Deny</button>");
    expect(page).toContain('name="state" value="abc"');
  });

  it("rejects an unknown client_id with a 400 page", async () => {
    const response = await fetch(`${WEB}/site/oauth2/authorize?client_id=nope&response_type=code`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Invalid client_id");
  });

  it("redirects with code and state on grant, error=access_denied on deny", async () => {
    const code = await authorizationCode();
    expect(code).toMatch(/^[\w-]{10,}$/);
    const denied = await decide({ account: SANDBOX_ACCOUNTS.alice.uuid, decision: "deny", state: "s1", redirect_uri: "https://ferry.example/cb?x=1" });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://ferry.example/cb");
    expect(location.searchParams.get("x")).toBe("1");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("s1");
  });

  it("uses the consumer's callback URL when no redirect_uri is given", async () => {
    const response = await decide({ account: SANDBOX_ACCOUNTS.bob.uuid, decision: "grant" });
    expect(response.headers.get("location")).toMatch(new RegExp(`^${SANDBOX_CONSUMER.callbackUrl}\\?code=`));
  });
});

describe("access_token", () => {
  it("exchanges a code once for Bitbucket's token response", async () => {
    const code = await authorizationCode("bob");
    const response = await token({ grant_type: "authorization_code", code, redirect_uri: CALLBACK });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "scopes", "state", "token_type"]);
    expect(body).toMatchObject({ expires_in: 7200, token_type: "bearer", state: "authorization_code" });
    expect(body.scopes.split(" ")).toEqual(expect.arrayContaining(["account", "email", "repository"]));
    const user = await (await currentUser(body.access_token)).json();
    expect(user).toMatchObject({ nickname: "bob", uuid: SANDBOX_ACCOUNTS.bob.uuid, type: "user" });

    const again = await token({ grant_type: "authorization_code", code, redirect_uri: CALLBACK });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("accepts client credentials as form fields", async () => {
    const code = await authorizationCode();
    const response = await token(
      { grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: SANDBOX_CONSUMER.key, client_secret: SANDBOX_CONSUMER.secret },
      null,
    );
    expect(response.status).toBe(200);
  });

  it("answers invalid_client, invalid_grant and unsupported_grant_type", async () => {
    const code = await authorizationCode();
    const badClient = await token({ grant_type: "authorization_code", code, redirect_uri: CALLBACK }, basic(SANDBOX_CONSUMER.key, "wrong"));
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: "invalid_client" });

    const wrongRedirect = await token({ grant_type: "authorization_code", code, redirect_uri: "http://elsewhere/cb" });
    expect(wrongRedirect.status).toBe(400);
    expect(await wrongRedirect.json()).toMatchObject({ error: "invalid_grant" });

    const unknownCode = await token({ grant_type: "authorization_code", code: "made-up", redirect_uri: CALLBACK });
    expect(unknownCode.status).toBe(400);
    expect((await unknownCode.json()).error).toBe("invalid_grant");

    const password = await token({ grant_type: "password", username: "alice", password: "x" });
    expect(password.status).toBe(400);
    expect((await password.json()).error).toBe("unsupported_grant_type");

    const badRefresh = await token({ grant_type: "refresh_token", refresh_token: "nope" });
    expect(badRefresh.status).toBe(400);
    expect(await badRefresh.json()).toMatchObject({ error: "invalid_grant", error_description: expect.any(String) });
  });

  it("rejects an expired code", async () => {
    let now = Date.now();
    const clocked = createSandboxState({ now: () => now });
    server.use(...createBitbucketHandlers(clocked, { webUrl: WEB, apiUrl: API }));
    try {
      const code = clocked.createAuthorizationCode(SANDBOX_ACCOUNTS.alice.uuid, null).code;
      now += 301_000;
      const response = await token({ grant_type: "authorization_code", code });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe("invalid_grant");
    } finally {
      server.resetHandlers();
    }
  });

  it("refresh rotates the access token; the refresh token stays valid", async () => {
    const code = await authorizationCode();
    const first = await (await token({ grant_type: "authorization_code", code, redirect_uri: CALLBACK })).json();
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = await refreshed.json();
    expect(second).toMatchObject({ state: "refresh_token", refresh_token: first.refresh_token, token_type: "bearer" });
    expect(second.access_token).not.toBe(first.access_token);

    const old = await currentUser(first.access_token);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual({ type: "error", error: { message: "Invalid credentials." } });
    expect((await currentUser(second.access_token)).status).toBe(200);

    const third = await (await token({ grant_type: "refresh_token", refresh_token: first.refresh_token })).json();
    expect((await currentUser(third.access_token)).status).toBe(200);
    expect((await currentUser(second.access_token)).status).toBe(401);
  });

  it("client_credentials acts as the consumer's owner", async () => {
    const body = await (await token({ grant_type: "client_credentials" })).json();
    expect(body.state).toBe("client_credentials");
    expect((await (await currentUser(body.access_token)).json()).nickname).toBe("alice");
  });
});

describe("token lifetime and revocation", () => {
  it("expires access tokens after tokenLifetimeSeconds (1 s) with Bitbucket's message", async () => {
    const put = await fetch(`${WEB}/_sandbox/config`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tokenLifetimeSeconds: 1 }) });
    expect((await put.json()).tokenLifetimeSeconds).toBe(1);
    const code = await authorizationCode();
    const body = await (await token({ grant_type: "authorization_code", code, redirect_uri: CALLBACK })).json();
    expect(body.expires_in).toBe(1);
    expect((await currentUser(body.access_token)).status).toBe(200);
    await sleep(1100);
    const expired = await currentUser(body.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      type: "error",
      error: { message: "Access token expired. Use your refresh token to obtain a new access token." },
    });
    const refreshed = await (await token({ grant_type: "refresh_token", refresh_token: body.refresh_token })).json();
    expect((await currentUser(refreshed.access_token)).status).toBe(200);
  });

  it("revoking an account's tokens kills access and refresh tokens", async () => {
    const alice = state.grantTokensFor("alice");
    const bob = state.grantTokensFor("bob");
    const response = await fetch(`${WEB}/_sandbox/tokens/revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ nickname: "alice" }) });
    expect(await response.json()).toEqual({ revoked: { accessTokens: 1, refreshTokens: 1 } });
    expect((await currentUser(alice.accessToken)).status).toBe(401);
    expect((await token({ grant_type: "refresh_token", refresh_token: alice.refreshToken })).status).toBe(400);
    expect((await currentUser(bob.accessToken)).status).toBe(200);
  });
});
