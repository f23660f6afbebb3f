import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from ".";

// A real HTTP server and fetch (no msw): only fetch's own Responses have their bodies canceled when collected.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify([{ id: 1, state: "APPROVED" }]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("answers read after octokit returns", () => {
  it("keeps a body readable when its Response is garbage collected before the body is read", async () => {
    const client = createGitHubClient({ token: "t", fetch: (input, init) => globalThis.fetch(String(input).replace(/^https?:\/\/[^/]+/, origin), init) });
    // Between octokit's answer and the reading of its body: collect everything unreachable, and let finalizers run.
    client.octokit.hook.after("request", async () => {
      for (let round = 0; round < 3; round++) {
        collectGarbage();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await client.get("/repos/acme/rocket/pulls/1/reviews")).toEqual([{ id: 1, state: "APPROVED" }]);
    }
  });
});
