import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LFS_CONFIG, hasGitLfs, sandboxForTests } from "../common/git-test-support";
import { GITHUB_ACCOUNTS, GITHUB_GISTS, SHOWCASE_ATTACHMENTS, createGithubState, showcaseExpectations, showcaseLfsObjects, startGithubServer } from "./index";

const { sandbox, git, clone } = sandboxForTests("gh-sandbox", (dataDir) => startGithubServer({ port: 0, dataDir, state: createGithubState() }));
const expected = showcaseExpectations();

function remote(repository: string, token: string | null = GITHUB_ACCOUNTS.alice.token): string {
  const url = new URL(`${sandbox().url}/${repository}.git`);
  if (token) {
    url.username = "x-access-token";
    url.password = token;
  }
  return url.toString();
}

function lastLogged(suffix: string) {
  return sandbox().state.requests().filter((entry) => entry.path.endsWith(suffix)).at(-1);
}

describe("HTTP server", () => {
  it("serves the API at the root and under /api/v3 with links on its own origin", async () => {
    const root = (await (await fetch(`${sandbox().url}/repos/acme/rocket`, { headers: { Authorization: `token ${GITHUB_ACCOUNTS.alice.token}` } })).json()) as Record<string, unknown>;
    expect(root).toMatchObject({ url: `${sandbox().url}/repos/acme/rocket`, clone_url: `${sandbox().url}/acme/rocket.git` });
    const ghes = (await (await fetch(`${sandbox().url}/api/v3/repos/acme/rocket`, { headers: { Authorization: `Bearer ${GITHUB_ACCOUNTS.alice.token}` } })).json()) as Record<string, unknown>;
    expect(ghes.url).toBe(`${sandbox().url}/api/v3/repos/acme/rocket`);
  });

  it("serves attachments linked from the showcase bodies", async () => {
    const response = await fetch(`${sandbox().url}${SHOWCASE_ATTACHMENTS.screenshot}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await response.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");
    expect((await fetch(`${sandbox().url}/user-attachments/assets/unknown`)).status).toBe(404);
  });
});

describe("git over HTTP", () => {
  it("clones the showcase with its branches, tags and pull request heads (the deleted fork's too)", async () => {
    const dir = await clone(remote("acme/rocket"));
    expect((await git(["rev-parse", "--abbrev-ref", "HEAD"], dir)).trim()).toBe("main");
    expect((await git(["log", "--format=%s", "-1"], dir)).trim()).toBe("Merge pull request #4 from acme/feature/countdown");
    const refs = await git(["ls-remote", remote("acme/rocket")]);
    for (const ref of ["refs/heads/feature/telemetry", "refs/heads/release/1.x", "refs/tags/v1.0.0", "refs/pull/4/head", "refs/pull/5/head"]) expect(refs).toContain(ref);
    const pull = (await (await fetch(`${sandbox().url}/repos/acme/rocket/pulls/5`, { headers: { Authorization: `token ${GITHUB_ACCOUNTS.alice.token}` } })).json()) as { head: { sha: string } };
    await git(["fetch", "--quiet", "origin", "+refs/pull/*/head:refs/pull/*/head"], dir);
    expect((await git(["rev-parse", "refs/pull/5/head"], dir)).trim()).toBe(pull.head.sha);
    expect(lastLogged("/git-upload-pack")).toMatchObject({ method: "POST", status: 200, account: "alice" });
  });

  it("clones the wiki from <repo>.wiki.git", async () => {
    const dir = await clone(remote("acme/rocket.wiki"));
    expect((await readdir(dir)).filter((name) => !name.startsWith(".")).sort()).toEqual(expected.wikiPages);
    expect(await readFile(path.join(dir, "Home.md"), "utf8")).toContain("Rocket wiki");
  });

  it("clones a gist with its history", async () => {
    const gist = GITHUB_GISTS[0]!;
    const dir = await clone(`${sandbox().url}/${gist.id}.git`);
    expect((await git(["rev-list", "--count", "HEAD"], dir)).trim()).toBe(String(gist.revisions.length));
    expect((await readdir(dir)).filter((name) => !name.startsWith(".")).sort()).toEqual(["README.md", "deploy.sh"]);
  });

  it("asks anonymous callers for credentials, rejects bad tokens and hides unreadable repositories", async () => {
    await expect(clone(remote("acme/rocket", null))).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 401 });
    await expect(clone(remote("acme/rocket", "ghp_wrong"))).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 401 });
    await expect(clone(remote("umbrella/research"))).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 404, account: "alice" });
    const anonymous = await clone(remote("acme/website", null));
    expect((await readdir(anonymous)).length).toBeGreaterThan(1);
  });
});

describe("Git LFS", () => {
  const objects = showcaseLfsObjects();
  const auth = `Basic ${Buffer.from(`alice:${GITHUB_ACCOUNTS.alice.token}`).toString("base64")}`;
  const batch = (body: unknown, authorization: string | null = auth) =>
    fetch(`${sandbox().url}/acme/rocket.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { Accept: "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json", ...(authorization ? { Authorization: authorization } : {}) },
      body: JSON.stringify(body),
    });

  it("answers the batch API with download actions, and per-object errors for unknown oids", async () => {
    const response = await batch({ operation: "download", transfers: ["basic"], objects: [...objects.map(({ oid, size }) => ({ oid, size })), { oid: "0".repeat(64), size: 1 }] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { objects: { oid: string; actions?: { download: { href: string; header: Record<string, string> } }; error?: { code: number } }[] };
    expect(body.objects[2]!.error).toMatchObject({ code: 404 });
    const first = body.objects[0]!.actions!.download;
    const bytes = Buffer.from(await (await fetch(first.href, { headers: first.header })).arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(objects[0]!.oid);
    expect((await fetch(first.href)).status).toBe(401);
    expect((await batch({ operation: "download", objects: [] }, null)).status).toBe(401);
    expect((await batch({ operation: "upload", objects: [] })).status).toBe(403);
  });

  it.skipIf(!hasGitLfs)("serves LFS objects to a real git-lfs client", async () => {
    const dir = await clone(remote("acme/rocket"), LFS_CONFIG);
    for (const object of objects) {
      const content = await readFile(path.join(dir, object.path));
      expect(createHash("sha256").update(content).digest("hex")).toBe(object.oid);
    }
  });
});
