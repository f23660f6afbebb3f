import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createPersonalAccessToken, revokePersonalAccessToken } from "@/lib/tokens";
import { resetDatabase } from "@/test/db";
import { notFound } from "./errors";
import { paginateArray, paginationQuery } from "./pagination";
import { apiBoolean, apiInt, apiList, apiString } from "./params";
import { apiResponse, apiRoute } from "./route";

beforeEach(resetDatabase);
afterEach(() => vi.restoreAllMocks());

const BASE = "http://localhost:3000/api/v4";

async function tokenFor(scopes: ("api" | "read_api")[], username = "alice") {
  const user = await db.user.create({ data: { username } });
  const { token, summary } = await createPersonalAccessToken(user.id, { name: "test", scopes });
  return { user, token, tokenId: summary.id };
}

const echo = apiRoute(
  {
    name: "echo",
    access: "write",
    body: z.object({ project_id: apiInt(), name: apiString(), enabled: apiBoolean().optional(), ids: apiList(apiInt()).optional() }),
  },
  async ({ caller, body, params }) => ({ caller: caller.username, via: caller.via, body, params }),
);

const readOnly = apiRoute({ name: "read", access: "read", auth: "optional", query: z.object({ ...paginationQuery }) }, async ({ caller, query, request }) =>
  caller ? paginateArray(request, Array.from({ length: 45 }, (_, index) => index + 1), query) : apiResponse({ anonymous: true }),
);

function post(body: BodyInit | null, headers: Record<string, string>, url = `${BASE}/echo`) {
  return new Request(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("authentication and scopes", () => {
  it("accepts PRIVATE-TOKEN and Authorization: Bearer, and refuses missing or unknown tokens", async () => {
    const { token } = await tokenFor(["api"]);
    const body = JSON.stringify({ project_id: 5, name: "x" });
    const json = { "content-type": "application/json" };

    const viaPrivate = await echo(post(body, { ...json, "private-token": token }));
    expect(viaPrivate.status).toBe(200);
    expect(await viaPrivate.json()).toMatchObject({ caller: "alice", via: "token" });
    expect(viaPrivate.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    expect((await echo(post(body, { ...json, authorization: `Bearer ${token}` }))).status).toBe(200);

    const missing = await echo(post(body, json));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: "401 Unauthorized" });

    const unknown = await echo(post(body, { ...json, "private-token": "ferry-pat-nope" }));
    expect(unknown.status).toBe(401);
  });

  it("refuses revoked and expired tokens with GitLab's invalid_token answer", async () => {
    const { user, token, tokenId } = await tokenFor(["api"]);
    await db.personalAccessToken.update({ where: { id: tokenId }, data: { expiresAt: new Date("2020-01-01") } });
    const expired = await readOnly(new Request(`${BASE}/read`, { headers: { "private-token": token } }));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: "invalid_token", error_description: expect.stringMatching(/expired/) });

    await db.personalAccessToken.update({ where: { id: tokenId }, data: { expiresAt: null } });
    await revokePersonalAccessToken(user.id, tokenId);
    const revoked = await readOnly(new Request(`${BASE}/read`, { headers: { "private-token": token } }));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: "invalid_token", error_description: expect.stringMatching(/revoked/) });
  });

  it("lets read_api read but not write", async () => {
    const { token } = await tokenFor(["read_api"]);
    expect((await readOnly(new Request(`${BASE}/read`, { headers: { "private-token": token } }))).status).toBe(200);
    const write = await echo(post(JSON.stringify({ project_id: 1, name: "x" }), { "content-type": "application/json", "private-token": token }));
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error: "insufficient_scope", scope: "api" });
  });

  it("serves anonymous callers on endpoints that allow them", async () => {
    const response = await readOnly(new Request(`${BASE}/read`));
    expect(await response.json()).toEqual({ anonymous: true });
  });
});

describe("validation and bodies", () => {
  it("names missing fields and fields of the wrong type, and ignores unknown fields", async () => {
    const { token } = await tokenFor(["api"]);
    const headers = { "content-type": "application/json", "private-token": token };
    const missing = await echo(post(JSON.stringify({}), headers));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "project_id is missing, name is missing" });

    const wrong = await echo(post(JSON.stringify({ project_id: "five", name: { first: "x" }, enabled: "maybe" }), headers));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: "project_id is invalid (must be an integer), name is invalid (must be a string), enabled is invalid (must be a boolean (true or false))",
    });

    const ok = await echo(post(JSON.stringify({ project_id: "7", name: "x", enabled: "true", unknown: 1 }), headers));
    expect((await ok.json()).body).toEqual({ project_id: 7, name: "x", enabled: true });
  });

  it("reads urlencoded and multipart bodies, lists in GitLab's key[] form, and query parameters of writes", async () => {
    const { token } = await tokenFor(["api"]);
    const form = await echo(post("project_id=3&name=a%20b&ids[]=1&ids[]=2", { "content-type": "application/x-www-form-urlencoded", "private-token": token }));
    expect((await form.json()).body).toEqual({ project_id: 3, name: "a b", ids: [1, 2] });

    const multipart = new FormData();
    multipart.set("project_id", "4");
    multipart.set("name", "upload");
    const request = new Request(`${BASE}/echo`, { method: "POST", body: multipart, headers: { "private-token": token } });
    expect((await (await echo(request)).json()).body).toEqual({ project_id: 4, name: "upload" });

    const viaQuery = await echo(post(null, { "private-token": token }, `${BASE}/echo?project_id=9&name=q`));
    expect((await viaQuery.json()).body).toEqual({ project_id: 9, name: "q" });

    const badJson = await echo(post("{not json", { "content-type": "application/json", "private-token": token }));
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: "The request body is not valid JSON" });
  });

  it("refuses bodies over 1 MB, declared or streamed", async () => {
    const { token } = await tokenFor(["api"]);
    const big = JSON.stringify({ project_id: 1, name: "x".repeat(1024 * 1024) });
    const declared = await echo(post(big, { "content-type": "application/json", "private-token": token, "content-length": String(big.length) }));
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toMatch(/1 MB/);

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await echo(post(stream, { "content-type": "application/json", "private-token": token }));
    expect(streamed.status).toBe(413);

    const justUnder = JSON.stringify({ project_id: 1, name: "x".repeat(1024 * 1024 - 40) });
    expect((await echo(post(justUnder, { "content-type": "application/json", "private-token": token }))).status).toBe(200);
  });
});

describe("errors", () => {
  it("answers ApiErrors and AppErrors in GitLab's shapes and hides unexpected errors behind a request id", async () => {
    const { token } = await tokenFor(["api"]);
    const headers = { "private-token": token };
    const failing = (error: unknown) => apiRoute({ name: "failing", access: "read" }, async () => Promise.reject(error));

    const missing = await failing(notFound("Project"))(new Request(`${BASE}/x`, { headers }));
    expect([missing.status, await missing.json()]).toEqual([404, { message: "404 Project Not Found" }]);

    const domain = await failing(new AppError("conflict", "Username has already been taken"))(new Request(`${BASE}/x`, { headers }));
    expect([domain.status, await domain.json()]).toEqual([409, { message: "Username has already been taken" }]);

    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const crash = await failing(new Error("database password is hunter2"))(new Request(`${BASE}/x`, { headers }));
    expect(crash.status).toBe(500);
    const body = await crash.json();
    expect(body).toEqual({ message: "500 Internal Server Error", request_id: crash.headers.get("x-request-id") });
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(String(logged.mock.calls[0]?.[0])).toContain(body.request_id);
  });
});

describe("pagination", () => {
  it("sets GitLab's headers and Link relations, clamping per_page to 100", async () => {
    const { token } = await tokenFor(["read_api"]);
    const response = await readOnly(new Request(`${BASE}/read?page=2&per_page=20&state=all`, { headers: { "private-token": token } }));
    expect(await response.json()).toEqual(Array.from({ length: 20 }, (_, index) => index + 21));
    expect(Object.fromEntries(["x-total", "x-total-pages", "x-page", "x-per-page", "x-next-page", "x-prev-page"].map((name) => [name, response.headers.get(name)]))).toEqual({
      "x-total": "45",
      "x-total-pages": "3",
      "x-page": "2",
      "x-per-page": "20",
      "x-next-page": "3",
      "x-prev-page": "1",
    });
    const link = response.headers.get("link")!;
    expect(link).toContain('/api/v4/read?page=3&per_page=20&state=all>; rel="next"');
    expect(link).toContain('page=1&per_page=20&state=all>; rel="prev"');
    expect(link).toContain('rel="first"');
    expect(link).toContain('page=3&per_page=20&state=all>; rel="last"');

    const last = await readOnly(new Request(`${BASE}/read?page=3&per_page=500`, { headers: { "private-token": token } }));
    expect(last.headers.get("x-per-page")).toBe("100");
    expect(last.headers.get("x-next-page")).toBe("");
    expect(await last.json()).toEqual([]);
  });
});

describe("project endpoints", () => {
  const rename = apiRoute(
    { name: "rename", access: "write", project: "manage", body: z.object({ name: apiString() }) },
    async ({ project, body }) => ({ id: project.id, path: project.fullPath, name: body.name }),
  );
  const call = (token: string, id: string, body: unknown) =>
    rename(new Request(`${BASE}/projects/x/rename`, { method: "POST", headers: { "private-token": token, "content-type": "application/json" }, body: JSON.stringify(body) }), {
      params: Promise.resolve({ id }),
    });

  it("resolves :id by number or full path, and checks the caller's right before reading parameters", async () => {
    const maintainer = await tokenFor(["api"], "maintainer");
    const developer = await tokenFor(["api"], "developer");
    const stranger = await tokenFor(["api"], "stranger");
    const group = await db.namespace.create({ data: { kind: "group", name: "Acme", path: "acme", fullPath: "acme" } });
    await db.membership.createMany({
      data: [
        { userId: maintainer.user.id, namespaceId: group.id, role: "maintainer" },
        { userId: developer.user.id, namespaceId: group.id, role: "developer" },
      ],
    });
    const project = await db.project.create({ data: { namespaceId: group.id, name: "Rocket", path: "rocket", fullPath: "acme/rocket", visibility: "private" } });

    const byId = await call(maintainer.token, String(project.id), { name: "Launcher" });
    expect([byId.status, await byId.json()]).toEqual([200, { id: project.id, path: "acme/rocket", name: "Launcher" }]);
    expect(await (await call(maintainer.token, "acme/rocket", { name: "L" })).json()).toMatchObject({ id: project.id });
    expect([(await call(maintainer.token, String(project.id), {})).status, (await call(maintainer.token, "acme/missing", { name: "L" })).status]).toEqual([400, 404]);

    // A reader who may not manage is refused before the body is looked at; a non-reader sees no project at all.
    const refused = await call(developer.token, String(project.id), {});
    expect([refused.status, await refused.json()]).toEqual([403, { message: "403 Forbidden" }]);
    const hidden = await call(stranger.token, "acme/rocket", {});
    expect([hidden.status, await hidden.json()]).toEqual([404, { message: "404 Project Not Found" }]);
  });
});
