import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BitbucketOAuthError,
  BitbucketServerError,
  authorizationUrl,
  exchangeAuthorizationCode,
  isReconnectRequired,
  refreshAccessToken,
} from "./index";

const WEB = "https://bitbucket.test";
const TOKEN_URL = `${WEB}/site/oauth2/access_token`;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type Received = { method: string; contentType: string | null; authorization: string | null; form: Record<string, string> };

function tokenEndpoint(respond: (form: URLSearchParams) => Response): Received[] {
  const received: Received[] = [];
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      received.push({
        method: request.method,
        contentType: request.headers.get("content-type"),
        authorization: request.headers.get("authorization"),
        form: Object.fromEntries(form),
      });
      return respond(form);
    }),
  );
  return received;
}

const client = { webUrl: `${WEB}/`, clientId: "consumer-key", clientSecret: "consumer secret" };
const basic = `Basic ${Buffer.from("consumer-key:consumer secret").toString("base64")}`;

describe("OAuth", () => {
  it("exchanges an authorization code", async () => {
    const received = tokenEndpoint(() =>
      HttpResponse.json({
        access_token: "access-1",
        scopes: "account email repository",
        expires_in: 7200,
        token_type: "bearer",
        state: "authorization_code",
        refresh_token: "refresh-1",
      }),
    );
    const before = Date.now();
    const tokens = await exchangeAuthorizationCode({ ...client, code: "the code", redirectUri: "http://localhost:3000/cb?x=1" });
    const after = Date.now();
    expect(received).toEqual([
      {
        method: "POST",
        contentType: "application/x-www-form-urlencoded",
        authorization: basic,
        form: { grant_type: "authorization_code", code: "the code", redirect_uri: "http://localhost:3000/cb?x=1" },
      },
    ]);
    expect(tokens).toMatchObject({
      accessToken: "access-1",
      refreshToken: "refresh-1",
      scopes: ["account", "email", "repository"],
      tokenType: "bearer",
    });
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(tokens.expiresAt.getTime()).toBeLessThanOrEqual(after + 7_200_000);
  });

  it("refreshes an access token, keeping the refresh token when none is returned", async () => {
    const received = tokenEndpoint(() =>
      HttpResponse.json({ access_token: "access-2", scopes: "account", expires_in: 3600, token_type: "bearer" }),
    );
    const before = Date.now();
    const tokens = await refreshAccessToken({ ...client, refreshToken: "refresh-1" });
    expect(received.map((r) => [r.authorization, r.form])).toEqual([
      [basic, { grant_type: "refresh_token", refresh_token: "refresh-1" }],
    ]);
    expect(tokens.accessToken).toBe("access-2");
    expect(tokens.refreshToken).toBe("refresh-1");
    expect(tokens.expiresAt.getTime() - before).toBeGreaterThanOrEqual(3_600_000);
    expect(tokens.expiresAt.getTime() - before).toBeLessThan(3_610_000);
  });

  it("invalid_grant on refresh means the user must reconnect", async () => {
    const received = tokenEndpoint(() =>
      HttpResponse.json({ error: "invalid_grant", error_description: "Invalid refresh_token" }, { status: 400 }),
    );
    let error: unknown;
    try {
      await refreshAccessToken({ ...client, refreshToken: "revoked" });
    } catch (caught) {
      error = caught;
    }
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(BitbucketOAuthError);
    expect(error).toMatchObject({
      status: 400,
      code: "oauth_error",
      error: "invalid_grant",
      description: "Invalid refresh_token",
      reconnectRequired: true,
    });
    expect(isReconnectRequired(error)).toBe(true);
  });

  it("invalid_client is an OAuth error that does not ask the user to reconnect", async () => {
    tokenEndpoint(() =>
      HttpResponse.json({ error: "invalid_client", error_description: "Invalid OAuth client credentials" }, { status: 401 }),
    );
    const error = await refreshAccessToken({ ...client, refreshToken: "r" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BitbucketOAuthError);
    expect(error).toMatchObject({ error: "invalid_client", reconnectRequired: false });
    expect(isReconnectRequired(error)).toBe(false);
  });

  it("a 5xx from the token endpoint is a BitbucketServerError and is not retried", async () => {
    const received = tokenEndpoint(() => HttpResponse.text("Service Unavailable", { status: 503 }));
    const error = await exchangeAuthorizationCode({ ...client, code: "c", redirectUri: "http://x/cb" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BitbucketServerError);
    expect(received).toHaveLength(1);
  });

  it("a token response without access_token is rejected", async () => {
    tokenEndpoint(() => HttpResponse.json({ expires_in: 7200, refresh_token: "r" }));
    const error = await exchangeAuthorizationCode({ ...client, code: "c", redirectUri: "http://x/cb" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "invalid_response", field: "access_token" });
  });

  it("builds the authorize URL", () => {
    const url = new URL(authorizationUrl({ webUrl: WEB, clientId: "consumer-key", state: "s t", redirectUri: "http://x/cb" }));
    expect(url.origin + url.pathname).toBe(`${WEB}/site/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "consumer-key",
      response_type: "code",
      state: "s t",
      redirect_uri: "http://x/cb",
    });
  });
});
