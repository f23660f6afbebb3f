import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createBitbucketServerHandlers, createServerState, gitlabPatternRequests, minimumImportRequests } from ".";

const BASE = "https://bitbucket.example.com";
const state = createServerState();
const server = setupServer(...createBitbucketServerHandlers(state, { baseUrl: BASE }));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const basic = (name: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${name}:${secret}`).toString("base64")}` });
const get = async (path: string, headers: Record<string, string> = basic("alice", "BBDC-alice-sandbox-token")) => {
  const response = await fetch(`${BASE}/rest/api/1.0${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe("Bitbucket Server sandbox", () => {
  test("pages with start and limit, clamped to the largest limit", async () => {
    const first = await get("/repos?limit=5");
    expect(first.body).toMatchObject({ size: 5, limit: 5, start: 0, isLastPage: false, nextPageStart: 5 });
    const rest = await get(`/repos?start=5&limit=5000`);
    expect(rest.body.limit).toBe(1000);
    expect(rest.body.isLastPage).toBe(true);
    expect(rest.body.values.map((repository: { project: { key: string } }) => repository.project.key)).not.toContain("SECRET");
  });

  test("takes tokens as Basic passwords or Bearer tokens, and answers bad ones with the error envelope", async () => {
    expect((await get("/projects/ACME/repos/showcase", { Authorization: "Bearer BBDC-bob-sandbox-token" })).status).toBe(200);
    const refused = await get("/repos", basic("alice", "nope"));
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0]).toMatchObject({ context: null, exceptionName: expect.stringContaining("Authentication") });
    const missing = await get("/projects/SECRET/repos/vault");
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].message).toBe("Repository SECRET/vault does not exist.");
  });

  test("serves activities newest first with nested replies and anchors, and filters repositories by name", async () => {
    const { body } = await get("/projects/ACME/repos/showcase/pull-requests/1/activities?limit=1000");
    expect(body.values[0].action).toBe("UPDATED");
    const general = body.values.find((activity: any) => activity.comment?.id === 11);
    expect(general.comment.comments[0].comments[0].tasks[0]).toMatchObject({ text: "Update the docs", state: "OPEN" });
    const inline = body.values.find((activity: any) => activity.comment?.id === 21);
    expect(inline.commentAnchor).toMatchObject({ path: "src/login.ts", line: 2, lineType: "ADDED", fileType: "TO", orphaned: false });
    const filtered = await get("/repos?name=api");
    expect(filtered.body.values.map((repository: { slug: string }) => repository.slug)).toEqual(["api-01", "api-07"]);
  });

  test("injects 429 with Retry-After, logs requests and counts the minimum and GitLab's requests", async () => {
    state.updateKnobs({ rateLimitRatio: 1, retryAfterSeconds: 7 });
    const response = await fetch(`${BASE}/rest/api/1.0/repos`, { headers: basic("alice", "alice-password") });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    state.reset();
    expect(state.requests().length).toBe(0);
    await get("/projects/ACME/repos/showcase");
    expect(state.requests()[0]).toMatchObject({ path: "/rest/api/1.0/projects/ACME/repos/showcase", status: 200, account: "alice" });
    const content = state.content(state.repository("ACME", "showcase")!);
    expect(minimumImportRequests(content).rest).toBe(2 + 1 + 7);
    expect(gitlabPatternRequests(content).rest).toBe(2 + 1 + 7);
  });
});
