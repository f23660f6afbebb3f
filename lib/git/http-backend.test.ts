import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { randomBytes, createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LfsStore } from "./lfs-store";
import { createLfsDownloadToken, verifyLfsDownloadToken } from "./lfs-token";
import { projectRepositoryPath } from "./paths";
import { createGitRouteHandlers, matchGitRequestPath, projectPathFromSegments, type GitProjectResolver } from "./routes";
import { fixtureGit, git, startTestServer, type TestServer } from "@/test/git";

let work: string;
let dataDir: string;
let server: TestServer;
let store: LfsStore;
let home: string;
const binary = randomBytes(200_000);
const binaryOid = createHash("sha256").update(binary).digest("hex");
const strayData = randomBytes(1000);
const strayOid = createHash("sha256").update(strayData).digest("hex");
const SIGNING_KEY = "test-signing-key-0123456789abcdef0123456789";
const ALICE = `Basic ${Buffer.from("alice:ferry-token-alice").toString("base64")}`;

/** git-lfs configured through the environment (like `git lfs install`, without touching HOME). */
const lfsEnv = (extra: [string, string][] = []) => {
  const entries: [string, string][] = [
    ["filter.lfs.clean", "git-lfs clean -- %f"],
    ["filter.lfs.smudge", "git-lfs smudge -- %f"],
    ["filter.lfs.process", "git-lfs filter-process"],
    ["filter.lfs.required", "true"],
    ...extra,
  ];
  const env: Record<string, string> = { HOME: home, GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
};

const resolver: GitProjectResolver = async (fullPath, authorization) => {
  if (fullPath === "group/sub/project") return { projectId: 1, repoPath: projectRepositoryPath(1, dataDir) };
  if (fullPath === "group/private" && authorization === ALICE) return { projectId: 2, repoPath: projectRepositoryPath(2, dataDir) };
  if (fullPath === "group/other") return { projectId: 3, repoPath: projectRepositoryPath(3, dataDir) };
  return null;
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "ferry-git-serve-"));
  dataDir = path.join(work, "data");
  home = path.join(work, "home");
  await mkdir(home, { recursive: true });
  store = new LfsStore(path.join(dataDir, "lfs"));

  // A source repository with one LFS file and one normal file, committed through git-lfs.
  const source = path.join(work, "source");
  await git(["init", "--quiet", "-b", "main", source]);
  await writeFile(path.join(source, ".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
  await writeFile(path.join(source, "model.bin"), binary);
  await writeFile(path.join(source, "README.md"), "# Project\n");
  await git(["add", "-A"], { cwd: source, env: lfsEnv() });
  await git(["commit", "--quiet", "-m", "Add model"], { cwd: source, env: lfsEnv() });
  await git(["tag", "v1"], { cwd: source });
  const blob = await git(["cat-file", "-p", "HEAD:model.bin"], { cwd: source });
  expect(blob).toContain(`oid sha256:${binaryOid}`);

  // Ferry's storage: bare repositories under <data>/repositories, the object in the LFS store.
  for (const id of [1, 2]) await git(["clone", "--quiet", "--bare", source, projectRepositoryPath(id, dataDir)]);
  await git(["init", "--quiet", "--bare", projectRepositoryPath(3, dataDir)]);
  const lfsFile = path.join(source, ".git", "lfs", "objects", binaryOid.slice(0, 2), binaryOid.slice(2, 4), binaryOid);
  expect(await store.put(createReadStream(lfsFile), binaryOid, binary.length)).toBe("stored");
  // Stored, but not referenced by any of these projects.
  await store.put(Readable.from([strayData]), strayOid, strayData.length);

  // The public URL (for LFS hrefs) is only known once the server listens.
  let handlers: ReturnType<typeof createGitRouteHandlers> | undefined;
  server = await startTestServer(async (request) => {
    handlers ??= createGitRouteHandlers(resolver, { publicUrl: server.url, store, signingKey: SIGNING_KEY });
    return handlers.handleRequest(request);
  });
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe("URL scheme", () => {
  it("maps git and LFS URLs to project paths", () => {
    expect(matchGitRequestPath("/group/sub/project.git/info/refs")).toEqual({ kind: "info-refs", fullPath: "group/sub/project" });
    expect(matchGitRequestPath("/group/project/git-upload-pack")).toEqual({ kind: "upload-pack", fullPath: "group/project" });
    expect(matchGitRequestPath("/group/project.git/git-receive-pack")).toEqual({ kind: "receive-pack", fullPath: "group/project" });
    expect(matchGitRequestPath("/group/project.git/info/lfs/objects/batch")).toEqual({ kind: "lfs-batch", fullPath: "group/project" });
    expect(matchGitRequestPath(`/group/project.git/gitlab-lfs/objects/${binaryOid}`)).toEqual({ kind: "lfs-object", fullPath: "group/project", oid: binaryOid });
    expect(matchGitRequestPath("/group/../etc.git/info/refs")).toBeNull();
    expect(matchGitRequestPath("/project.git/info/refs")).toBeNull();
    expect(matchGitRequestPath("/group/project.git/objects/info/packs")).toBeNull();
    expect(projectPathFromSegments(["a", "b%2Fc.git"])).toBeNull();
    expect(projectPathFromSegments(["a", "b", "c.git"])).toBe("a/b/c");
  });
});

describe("serving over HTTP", () => {
  it("clones with git and smudges LFS content from Ferry's store", async () => {
    const target = path.join(work, "clone");
    const result = await fixtureGit(["clone", `${server.url}/group/sub/project.git`, target], { env: lfsEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect((await readFile(path.join(target, "model.bin"))).equals(binary)).toBe(true);
    expect(await readFile(path.join(target, "README.md"), "utf8")).toBe("# Project\n");
    expect(await git(["tag"], { cwd: target })).toBe("v1");

    // Without ".git" too; LFS still works (git-lfs adds .git to find its endpoint).
    const bare = path.join(work, "clone-no-suffix");
    const second = await fixtureGit(["clone", `${server.url}/group/sub/project`, bare], { env: lfsEnv() });
    expect(second.code, second.stderr).toBe(0);
    expect((await stat(path.join(bare, "model.bin"))).size).toBe(binary.length);
  });

  it("refuses pushes", async () => {
    const target = path.join(work, "clone");
    await writeFile(path.join(target, "new.txt"), "x\n");
    await git(["add", "new.txt"], { cwd: target });
    await git(["commit", "--quiet", "-m", "x"], { cwd: target });
    const push = await fixtureGit(["push", "origin", "HEAD:refs/heads/pushed"], { cwd: target, env: lfsEnv() });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/403/);
    const direct = await fetch(`${server.url}/group/sub/project.git/git-receive-pack`, { method: "POST", headers: { "Content-Type": "application/x-git-receive-pack-request" }, body: "0000" });
    expect(direct.status).toBe(403);
    const advert = await fetch(`${server.url}/group/sub/project.git/info/refs?service=git-receive-pack`);
    expect(advert.status).toBe(403);
  });

  it("asks anonymous callers to authenticate and hides projects from the wrong user", async () => {
    const anonymous = await fetch(`${server.url}/group/private.git/info/refs?service=git-upload-pack`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrong = await fetch(`${server.url}/group/private.git/info/refs?service=git-upload-pack`, { headers: { Authorization: "Basic Ym9iOng=" } });
    expect(wrong.status).toBe(404);
    const ok = await fetch(`${server.url}/group/private.git/info/refs?service=git-upload-pack`, { headers: { Authorization: ALICE } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/x-git-upload-pack-advertisement");

    // A real clone with the credentials as a header, LFS included.
    const target = path.join(work, "clone-private");
    const clone = await fixtureGit(["clone", `${server.url}/group/private.git`, target], { env: lfsEnv([["http.extraHeader", `Authorization: ${ALICE}`]]) });
    expect(clone.code, clone.stderr).toBe(0);
    expect((await readFile(path.join(target, "model.bin"))).equals(binary)).toBe(true);

    // Credentials from a credential helper: git and git-lfs get the 401 challenge, then retry.
    const helper = path.join(work, "clone-helper");
    const viaHelper = await fixtureGit(["clone", `${server.url}/group/private.git`, helper], {
      env: lfsEnv([["credential.helper", "!f() { echo username=alice; echo password=ferry-token-alice; }; f"]]),
    });
    expect(viaHelper.code, viaHelper.stderr).toBe(0);
    expect((await readFile(path.join(helper, "model.bin"))).equals(binary)).toBe(true);
  });

  it("serves only the smart protocol's upload-pack", async () => {
    expect((await fetch(`${server.url}/group/sub/project.git/info/refs`)).status).toBe(403);
    expect((await fetch(`${server.url}/group/sub/project.git/info/refs?service=git-upload-archive`)).status).toBe(403);
    expect((await fetch(`${server.url}/group/sub/project.git/git-upload-pack`)).status).toBe(405);
    expect((await fetch(`${server.url}/group/sub/project.git/git-upload-pack`, { method: "POST", body: "0000" })).status).toBe(415);
    expect((await fetch(`${server.url}/group/sub/project.git/HEAD`)).status).toBe(404);
    expect((await fetch(`${server.url}/group/unknown.git/info/refs?service=git-upload-pack`)).status).toBe(401);
  });

  it("accepts gzip-encoded upload-pack requests (protocol v2)", async () => {
    const body = gzipSync(Buffer.from("0014command=ls-refs\n00010000"));
    const response = await fetch(`${server.url}/group/sub/project.git/git-upload-pack`, {
      method: "POST",
      headers: { "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip", "Git-Protocol": "version=2" },
      body,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("refs/heads/main");
    expect(text).toContain("refs/tags/v1");
  });
});

describe("LFS endpoints", () => {
  const batch = (fullPath: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/${fullPath}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.git-lfs+json", Accept: "application/vnd.git-lfs+json", ...headers },
      body: JSON.stringify(body),
    });

  it("answers download batches with hrefs to the object endpoint and per-object 404s", async () => {
    const missing = "0".repeat(64);
    const response = await batch("group/sub/project", {
      operation: "download",
      transfers: ["basic"],
      objects: [
        { oid: binaryOid, size: binary.length },
        { oid: missing, size: 1 },
        { oid: strayOid, size: strayData.length },
        { oid: "not-an-oid", size: 1 },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/vnd\.git-lfs\+json/);
    const json = (await response.json()) as { transfer: string; objects: { oid: string; actions?: { download: { href: string } }; error?: { code: number } }[] };
    expect(json.transfer).toBe("basic");
    const [found, absent, stray, invalid] = json.objects;
    expect(found!.actions!.download.href).toBe(`${server.url}/group/sub/project.git/gitlab-lfs/objects/${binaryOid}`);
    expect(absent!.error!.code).toBe(404);
    // In the store, but not referenced by this project: not served through it.
    expect(stray!.error!.code).toBe(404);
    expect(invalid!.error!.code).toBe(422);

    const object = await fetch(found!.actions!.download.href);
    expect(object.status).toBe(200);
    expect(Buffer.from(await object.arrayBuffer()).equals(binary)).toBe(true);
    expect((await fetch(`${server.url}/group/sub/project.git/gitlab-lfs/objects/${strayOid}`)).status).toBe(404);
    expect((await fetch(`${server.url}/group/other.git/gitlab-lfs/objects/${binaryOid}`)).status).toBe(404);
  });

  it("authorizes object downloads of private projects with the batch answer's token", async () => {
    const response = await batch("group/private", { operation: "download", objects: [{ oid: binaryOid, size: binary.length }] }, { Authorization: ALICE });
    const json = (await response.json()) as { objects: { actions: { download: { href: string; header: Record<string, string> } } }[] };
    const { href, header } = json.objects[0]!.actions.download;
    expect(Object.keys(header)).toEqual(["X-Ferry-Lfs-Token"]);
    expect(JSON.stringify(json)).not.toContain(ALICE.slice(6));
    const ok = await fetch(href, { headers: header });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(binary)).toBe(true);
    expect((await fetch(href)).status).toBe(401);
    expect((await fetch(href, { headers: { "X-Ferry-Lfs-Token": `${header["X-Ferry-Lfs-Token"]}x` } })).status).toBe(401);
    // Bound to the project and the object.
    expect((await fetch(`${server.url}/group/sub/project.git/gitlab-lfs/objects/${strayOid}`, { headers: header })).status).toBe(404);

    const token = createLfsDownloadToken(SIGNING_KEY, "group/private", binaryOid, Date.now() + 60_000);
    expect(verifyLfsDownloadToken(SIGNING_KEY, token, "group/private", binaryOid)).toBe(true);
    expect(verifyLfsDownloadToken(SIGNING_KEY, token, "group/other", binaryOid)).toBe(false);
    expect(verifyLfsDownloadToken(SIGNING_KEY, token, "group/private", strayOid)).toBe(false);
    expect(verifyLfsDownloadToken("another-key", token, "group/private", binaryOid)).toBe(false);
    expect(verifyLfsDownloadToken(SIGNING_KEY, token, "group/private", binaryOid, Date.now() + 120_000)).toBe(false);
  });

  it("refuses uploads and bad requests", async () => {
    const upload = await batch("group/sub/project", { operation: "upload", objects: [{ oid: binaryOid, size: binary.length }] });
    expect(upload.status).toBe(403);
    expect(((await upload.json()) as { message: string }).message).toMatch(/read-only/);
    expect((await batch("group/sub/project", { operation: "download", objects: "x" })).status).toBe(422);
    expect((await batch("group/sub/project", { operation: "download", transfers: ["tus"], objects: [] })).status).toBe(422);
    expect((await batch("group/private", { operation: "download", objects: [] })).status).toBe(401);
  });
});
