import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { createSandboxState, showcaseLfsObjects, startSandboxServer, type SandboxServer } from "@/mocks/bitbucket";
import { downloadLfsObjects, lfsBatchUrl } from "./lfs-client";
import { listLfsPointers } from "./lfs-pointers";
import { LfsStore } from "./lfs-store";
import { serveGitRequest, type GitHttpAction } from "./http-backend";
import {
  commitExists,
  countCommits,
  defaultBranch,
  fetchRefs,
  fetchRepository,
  listBranches,
  listTags,
  pathExists,
  resolveCommit,
  setDefaultBranch,
} from "./repository";
import { git, startTestServer, type TestServer, unexpected } from "@/test/git";

let sandbox: SandboxServer;
let sandboxDir: string;
let work: string;
let token: string;
let allowedHosts: string[];
const REPO = "acme/rocket-launcher";
const FORK = "acme/rocket-launcher-experiments";

const credentials = async () => ({ username: "x-token-auth", password: token });
const remote = (fullName: string) => `${sandbox.url}/${fullName}.git`;
const sourcePath = (fullName: string) => path.join(sandboxDir, "git-v1", `${fullName}.git`);

async function refs(repoPath: string, prefix = "refs/"): Promise<string> {
  return git(["--git-dir", repoPath, "for-each-ref", "--format=%(objectname) %(refname)", prefix]);
}

beforeAll(async () => {
  sandboxDir = await mkdtemp(path.join(tmpdir(), "ferry-git-sandbox-"));
  work = await mkdtemp(path.join(tmpdir(), "ferry-git-repo-"));
  sandbox = await startSandboxServer({ port: 0, dataDir: sandboxDir, state: createSandboxState() });
  token = sandbox.state.grantTokensFor("alice").accessToken;
  allowedHosts = [new URL(sandbox.url).host];
});

afterAll(async () => {
  await sandbox?.close();
  await rm(sandboxDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("fetchRepository (Bitbucket sandbox, x-token-auth)", () => {
  it("mirrors branches and tags, idempotently", async () => {
    const repoPath = path.join(work, "mirror.git");
    const first = await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    expect(first.changed).toBe(true);
    expect(first.attempts).toBe(1);
    expect(first.branches).toBeGreaterThanOrEqual(2);
    expect(first.tags).toBeGreaterThanOrEqual(1);
    expect(await refs(repoPath)).toBe(await refs(sourcePath(REPO)));

    const second = await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    expect(second.changed).toBe(false);
    expect(second.updatedRefs).toEqual([]);
    expect(await refs(repoPath)).toBe(await refs(sourcePath(REPO)));

    const branches = await listBranches(repoPath);
    const sourceBranches = (await refs(sourcePath(REPO), "refs/heads/")).split("\n").map((line) => {
      const [sha, ref] = line.split(" ");
      return { name: ref!.slice("refs/heads/".length), sha };
    });
    expect(branches).toEqual(sourceBranches);

    const tags = await listTags(repoPath);
    const v1 = tags.find((tag) => tag.name === "v1.0.0")!;
    expect(v1.annotated).toBe(true);
    expect(v1.target).toBe(await git(["--git-dir", sourcePath(REPO), "rev-parse", "v1.0.0^{commit}"]));
  });

  it("prunes branches the remote no longer has, and keeps merge request refs", async () => {
    const repoPath = path.join(work, "prune.git");
    // As in the API's clone links, with the user name in the URL.
    await fetchRepository({ repoPath, remoteUrl: remote(REPO).replace("://", "://alice@"), credentials, remoteCheck: { allowedHosts } });
    const main = await git(["--git-dir", repoPath, "rev-parse", "refs/heads/develop"]);
    await git(["--git-dir", repoPath, "update-ref", "refs/heads/deleted-upstream", main]);
    await git(["--git-dir", repoPath, "update-ref", "refs/merge-requests/7/head", main]);
    const result = await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    expect(result.updatedRefs).toEqual(["refs/heads/deleted-upstream"]);
    expect(await refs(repoPath, "refs/heads/")).toBe(await refs(sourcePath(REPO), "refs/heads/"));
    expect(await git(["--git-dir", repoPath, "rev-parse", "refs/merge-requests/7/head"])).toBe(main);
  });

  it("retries once with fresh credentials after an authentication failure", async () => {
    const stale = sandbox.state.grantTokensFor("alice").accessToken;
    sandbox.state.revokeTokensOf(sandbox.state.accountByNickname("alice")!.uuid);
    token = sandbox.state.grantTokensFor("alice").accessToken;
    let calls = 0;
    const refusedWith: Array<string | undefined> = [];
    const result = await fetchRepository({
      repoPath: path.join(work, "retry.git"),
      remoteUrl: remote(REPO),
      credentials: async (refused) => {
        refusedWith.push(refused?.password);
        return { username: "x-token-auth", password: ++calls === 1 ? stale : token };
      },
      remoteCheck: { allowedHosts },
    });
    expect(calls).toBe(2);
    expect(result.attempts).toBe(2);
    // The second call learns which credentials were refused, so a provider can refresh that token.
    expect(refusedWith).toEqual([undefined, stale]);

    calls = 0;
    const error = await fetchRepository({
      repoPath: path.join(work, "denied.git"),
      remoteUrl: remote(REPO),
      credentials: async () => (calls++, { username: "x-token-auth", password: stale }),
      remoteCheck: { allowedHosts },
    }).then(unexpected, (e: unknown) => e as AppError);
    expect(calls).toBe(2);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("remote_auth_failed");
    expect(error.message).not.toContain(stale);
  });

  it("reports unknown repositories and refuses disallowed remotes before running git", async () => {
    const missing = await fetchRepository({ repoPath: path.join(work, "missing.git"), remoteUrl: remote("acme/does-not-exist"), credentials, remoteCheck: { allowedHosts } }).then(unexpected, (e: unknown) => e as AppError);
    expect(["remote_not_found", "remote_auth_failed"]).toContain(missing.code);

    for (const remoteUrl of ["--upload-pack=touch /tmp/ferry-pwned", `file://${sourcePath(REPO)}`, sourcePath(REPO), `https://example.com/${REPO}.git`]) {
      const error = await fetchRepository({ repoPath: path.join(work, "refused.git"), remoteUrl, credentials, remoteCheck: { allowedHosts } }).then(unexpected, (e: unknown) => e as AppError);
      expect(error.code).toBe("remote_not_allowed");
    }
    expect(existsSync(path.join(work, "refused.git"))).toBe(false);
    expect(existsSync("/tmp/ferry-pwned")).toBe(false);
    const badSpec = await fetchRepository({ repoPath: path.join(work, "refused.git"), remoteUrl: remote(REPO), refspecs: ["--upload-pack=x"], remoteCheck: { allowedHosts } }).then(unexpected, (e: unknown) => e as AppError);
    expect(badSpec.code).toBe("invalid_refspec");
  });

  it("recovers from an interrupted fetch by running again", async () => {
    // A proxy that forwards to the sandbox but stalls in the middle of the pack.
    let stalled: () => void = () => undefined;
    const stalledOnce = new Promise<void>((resolve) => (stalled = resolve));
    const target = new URL(sandbox.url);
    const proxy = http.createServer((req, res) => {
      const upstream = http.request(
        { host: "127.0.0.1", port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (response) => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          let sent = 0;
          response.on("data", (chunk: Buffer) => {
            const text = chunk.toString("latin1");
            if (req.url?.endsWith("git-upload-pack") && (sent > 0 || text.includes("packfile"))) {
              if (sent === 0) {
                res.write(chunk.subarray(0, Math.min(chunk.length, text.indexOf("packfile") + 300)));
                sent = 1;
                stalled();
              }
              return; // never send the rest
            }
            res.write(chunk);
          });
          response.on("end", () => {
            if (sent === 0) res.end();
          });
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyHost = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const repoPath = path.join(work, "interrupted.git");
    try {
      const controller = new AbortController();
      void stalledOnce.then(() => setTimeout(() => controller.abort(), 300));
      const error = await fetchRepository({
        repoPath,
        remoteUrl: `http://${proxyHost}/${REPO}.git`,
        credentials,
        remoteCheck: { allowedHosts: [proxyHost] },
        signal: controller.signal,
      }).then(unexpected, (e: unknown) => e as AppError);
      expect(error.code).toBe("fetch_aborted");
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
    expect(await refs(repoPath)).toBe("");

    // What a crash can leave behind on top: git lock files and Ferry's lock of a dead process.
    await writeFile(path.join(repoPath, "packed-refs.lock"), "");
    await mkdir(path.join(repoPath, "refs", "heads"), { recursive: true });
    await writeFile(path.join(repoPath, "refs", "heads", "main.lock"), "");
    const dead = spawnSync("true").pid!;
    await writeFile(path.join(repoPath, "ferry-write.lock"), JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), start: null, at: Date.now() }));

    const result = await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    expect(result.changed).toBe(true);
    expect(await refs(repoPath)).toBe(await refs(sourcePath(REPO)));
    expect((await readdir(path.join(repoPath, "objects", "pack"))).filter((name) => name.startsWith("tmp_"))).toEqual([]);
    expect(existsSync(path.join(repoPath, "ferry-write.lock"))).toBe(false);
    await git(["--git-dir", repoPath, "fsck", "--no-dangling"]);
  });
});

describe("reading a mirrored repository", () => {
  let repoPath: string;
  beforeAll(async () => {
    repoPath = path.join(work, "read.git");
    await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
  });

  it("resolves 12-character hashes like Bitbucket's pull request API gives", async () => {
    const full = await git(["--git-dir", repoPath, "rev-parse", "refs/heads/develop"]);
    expect(await resolveCommit(repoPath, full.slice(0, 12))).toBe(full);
    expect(await resolveCommit(repoPath, full.slice(0, 12).toUpperCase())).toBe(full);
    expect(await resolveCommit(repoPath, full)).toBe(full);
    expect(await commitExists(repoPath, full.slice(0, 12))).toBe(true);
    expect(await resolveCommit(repoPath, "0123456789ab")).toBeNull();
    expect(await resolveCommit(repoPath, "HEAD")).toBeNull();
    expect(await resolveCommit(repoPath, "--all")).toBeNull();
    expect(await resolveCommit(repoPath, "-h")).toBeNull();
    // A tree is not a commit.
    const tree = await git(["--git-dir", repoPath, "rev-parse", "refs/heads/develop^{tree}"]);
    expect(await resolveCommit(repoPath, tree)).toBeNull();
    expect(await pathExists(repoPath, full.slice(0, 12), "README.md")).toBe(true);
    expect(await pathExists(repoPath, full.slice(0, 12), "nope/missing.txt")).toBe(false);
  });

  it("counts commits", async () => {
    const expected = Number(await git(["--git-dir", sourcePath(REPO), "rev-list", "--count", "refs/heads/develop"]));
    expect(await countCommits(repoPath, "develop")).toBe(expected);
    expect(await countCommits(repoPath, "refs/heads/develop")).toBe(expected);
    expect(await countCommits(repoPath)).toBe(Number(await git(["--git-dir", sourcePath(REPO), "rev-list", "--count", "--all"])));
    expect(await countCommits(repoPath, "no-such-branch")).toBe(0);
    await expect(countCommits(repoPath, "--all")).rejects.toThrow(/Invalid revision/);
  });

  it("sets the default branch only to an existing branch", async () => {
    expect(await setDefaultBranch(repoPath, "develop")).toBe("develop");
    expect(await defaultBranch(repoPath)).toBe("develop");
    expect(await setDefaultBranch(repoPath, "no-such-branch")).toBe("main");
    expect(await setDefaultBranch(repoPath, "--orphan=x")).toBe("main");
    expect(await setDefaultBranch(repoPath, "../../HEAD")).toBe("main");
    expect(await defaultBranch(repoPath)).toBe("main");
    const empty = path.join(work, "empty.git");
    await git(["init", "--bare", "--quiet", empty]);
    expect(await setDefaultBranch(empty, "main")).toBeNull();
  });

  it("fetches a fork's branch into a merge request ref", async () => {
    const result = await fetchRefs(repoPath, remote(FORK), credentials, [
      { src: "develop", dst: "refs/merge-requests/1/head" },
      { src: "refs/heads/deleted-branch", dst: "refs/merge-requests/2/head" },
    ], { remoteCheck: { allowedHosts } });
    // The sandbox creates the fork's repository on first access.
    const forkDevelop = await git(["--git-dir", sourcePath(FORK), "rev-parse", "refs/heads/develop"]);
    expect(result).toEqual({ "refs/merge-requests/1/head": forkDevelop, "refs/merge-requests/2/head": null });
    expect(await commitExists(repoPath, forkDevelop.slice(0, 12))).toBe(true);
    // The mirror refspecs do not prune merge request refs.
    await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    expect(await git(["--git-dir", repoPath, "rev-parse", "refs/merge-requests/1/head"])).toBe(forkDevelop);

    await expect(fetchRefs(repoPath, remote(FORK), credentials, [{ src: "--upload-pack=x", dst: "refs/merge-requests/3/head" }], { remoteCheck: { allowedHosts } })).rejects.toMatchObject({ code: "invalid_ref" });
    await expect(fetchRefs(repoPath, remote(FORK), credentials, [{ src: "develop", dst: "refs/merge-requests/../x" }], { remoteCheck: { allowedHosts } })).rejects.toMatchObject({ code: "invalid_ref" });
  });
});

describe("the sandbox's showcase repository: LFS and wiki", () => {
  it("lists its LFS pointers and downloads them through the batch API", async () => {
    const repoPath = path.join(work, "showcase.git");
    await fetchRepository({ repoPath, remoteUrl: remote(REPO), credentials, remoteCheck: { allowedHosts } });
    const pointers = await listLfsPointers(repoPath);
    const expected = showcaseLfsObjects().map(({ oid, size }) => ({ oid, size }));
    expect(pointers).toEqual([...expected].sort((a, b) => a.oid.localeCompare(b.oid)));

    const store = new LfsStore(path.join(work, "showcase-lfs"));
    const results = await downloadLfsObjects({ batchUrl: lfsBatchUrl(remote(REPO)), objects: pointers, credentials, store, remoteCheck: { allowedHosts } });
    expect(results.map((result) => result.status)).toEqual(pointers.map(() => "stored"));
    for (const object of showcaseLfsObjects()) {
      expect((await readFile(store.path(object.oid))).equals(object.bytes())).toBe(true);
    }
  });

  it("mirrors the wiki (`<repo>.git/wiki`)", async () => {
    const repoPath = path.join(work, "showcase.wiki.git");
    const result = await fetchRepository({ repoPath, remoteUrl: `${remote(REPO)}/wiki`, credentials, remoteCheck: { allowedHosts } });
    expect(result.branches).toBeGreaterThanOrEqual(1);
    expect(await setDefaultBranch(repoPath, null)).not.toBeNull();
    expect(await countCommits(repoPath)).toBeGreaterThanOrEqual(1);
  });
});

describe("wiki remotes", () => {
  let server: TestServer;
  let wikiSource: string;
  let maliciousSource: string;
  beforeAll(async () => {
    // A `<repo>.git/wiki` remote (the sandbox has no wikis yet): a bare repository behind serveGitRequest.
    const worktree = path.join(work, "wiki-src");
    await git(["init", "--quiet", "-b", "master", worktree]);
    await writeFile(path.join(worktree, "Home.md"), "# Home\n");
    await git(["add", "Home.md"], { cwd: worktree });
    await git(["commit", "--quiet", "-m", "Home"], { cwd: worktree });
    wikiSource = path.join(work, "wiki-served", "wiki.git");
    await git(["clone", "--quiet", "--bare", worktree, wikiSource]);
    // A repository whose tree has a `.git` entry, which git refuses to receive.
    maliciousSource = path.join(work, "wiki-served", "malicious.git");
    await git(["init", "--quiet", "--bare", maliciousSource]);
    const blob = await git(["--git-dir", maliciousSource, "hash-object", "-w", "--stdin"], { input: "[core]\n" });
    const tree = await git(["--git-dir", maliciousSource, "mktree"], { input: `100644 blob ${blob}\t.git\n` });
    const commit = await git(["--git-dir", maliciousSource, "-c", "user.name=M", "-c", "user.email=m@example.com", "commit-tree", tree, "-m", "x"]);
    await git(["--git-dir", maliciousSource, "update-ref", "refs/heads/master", commit]);
    server = await startTestServer(async (request) => {
      const match = /^\/acme\/(rocket-launcher|malicious)\.git\/wiki\/(info\/refs|git-upload-pack)$/.exec(new URL(request.url).pathname);
      if (!match) return null;
      return serveGitRequest({ request, repoPath: match[1] === "malicious" ? maliciousSource : wikiSource, action: match[2] as GitHttpAction });
    });
  });
  afterAll(async () => server?.close());

  it("fetches `<repo>.git/wiki` like any repository", async () => {
    const repoPath = path.join(work, "7.wiki.git");
    const result = await fetchRepository({ repoPath, remoteUrl: `${server.url}/acme/rocket-launcher.git/wiki`, remoteCheck: { allowedHosts: [server.host] } });
    expect(result.branches).toBe(1);
    expect(await setDefaultBranch(repoPath, null)).toBe("master");
    expect(await refs(repoPath)).toBe(await refs(wikiSource));
  });

  it("keeps repositories private to Ferry's user whatever the umask: nothing readable by group or others", async () => {
    const previous = process.umask(0o022);
    try {
      const repoPath = path.join(work, "8.wiki.git");
      await fetchRepository({ repoPath, remoteUrl: `${server.url}/acme/rocket-launcher.git/wiki`, remoteCheck: { allowedHosts: [server.host] } });
      const modes = spawnSync("find", [repoPath, "-printf", "%y %m %p\\n"], { encoding: "utf8" }).stdout.trim().split("\n");
      expect(modes.length).toBeGreaterThan(10);
      expect(modes.filter((line) => line.startsWith("d ") && !line.startsWith("d 700 "))).toEqual([]);
      expect(modes.filter((line) => line.startsWith("f ") && !/^f [4-7]00 /.test(line))).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });

  it("checks the objects it receives: a tree with a `.git` entry is refused", async () => {
    const repoPath = path.join(work, "9.wiki.git");
    await expect(fetchRepository({ repoPath, remoteUrl: `${server.url}/acme/malicious.git/wiki`, remoteCheck: { allowedHosts: [server.host] } })).rejects.toThrow(/hasDotgit/);
    expect(await refs(repoPath)).toBe("");
  });
});
