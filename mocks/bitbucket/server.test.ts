import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LFS_CONFIG, hasGitLfs, sandboxForTests } from "../common/git-test-support";
import { GitBackend } from "./git-backend";
import { createSandboxState, SANDBOX_ACCOUNTS, SANDBOX_CONSUMER, SANDBOX_REPOSITORIES, showcaseExpectations, startSandboxServer } from "./index";

const { sandbox, git, clone } = sandboxForTests("bb-sandbox", (dataDir) => startSandboxServer({ port: 0, dataDir, state: createSandboxState() }));

function remote(fullName: string, username?: string, password?: string): string {
  const url = new URL(`${sandbox().url}/${fullName}.git`);
  if (username) url.username = username;
  if (password) url.password = password;
  return url.toString();
}

function lastLogged(pathSuffix: string) {
  return sandbox().state.requests().filter((entry) => entry.path.endsWith(pathSuffix)).at(-1);
}

describe("HTTP server", () => {
  it("serves the API with links built from its own URL", async () => {
    expect(sandbox().url).toMatch(/^http:\/\/localhost:\d+$/);
    const response = await fetch(`${sandbox().url}/2.0/repositories/acme?pagelen=5&fields=%2Bvalues.links`, {
      headers: { Authorization: `Basic ${Buffer.from(`alice@example.com:${SANDBOX_ACCOUNTS.alice.apiToken}`).toString("base64")}` },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.next).toBe(`${sandbox().url}/2.0/repositories/acme?pagelen=5&fields=%2Bvalues.links&page=2`);
    const host = new URL(sandbox().url).host;
    expect(body.values[0].links.clone[0].href).toBe(`http://alice@${host}/${body.values[0].full_name}.git`);
    expect(body.values[0].links.html.href).toBe(`${sandbox().url}/${body.values[0].full_name}`);
  });

  it("runs the OAuth code flow over HTTP", async () => {
    const page = await fetch(`${sandbox().url}/site/oauth2/authorize?client_id=${SANDBOX_CONSUMER.key}&response_type=code&state=s`);
    expect(await page.text()).toContain("Authorize Ferry");
    const decision = await fetch(`${sandbox().url}/site/oauth2/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: SANDBOX_CONSUMER.key, response_type: "code", state: "s", redirect_uri: "http://localhost:3000/cb", account: SANDBOX_ACCOUNTS.carol.uuid, decision: "grant" }),
    });
    expect(decision.status).toBe(302);
    const code = new URL(decision.headers.get("location")!).searchParams.get("code")!;
    const tokenResponse = await fetch(`${sandbox().url}/site/oauth2/access_token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${SANDBOX_CONSUMER.key}:${SANDBOX_CONSUMER.secret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: "http://localhost:3000/cb" }),
    });
    const tokens = await tokenResponse.json();
    expect(tokens.state).toBe("authorization_code");
    const user = await (await fetch(`${sandbox().url}/2.0/user`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json();
    expect(user.nickname).toBe("carol");
  });

  it("answers the admin endpoints", async () => {
    const config = await (await fetch(`${sandbox().url}/_sandbox/config`)).json();
    expect(config).toMatchObject({ tokenLifetimeSeconds: 7200, issuesRemoved: true });
    const avatar = await fetch(`${sandbox().url}/_sandbox/avatars/user/${SANDBOX_ACCOUNTS.alice.uuid.slice(1, -1)}.svg`);
    expect(avatar.headers.get("content-type")).toBe("image/svg+xml");
    expect(await avatar.text()).toContain(">AA<");
  });
});

describe("git over HTTP", () => {
  it("clones a public repository anonymously, with branches and tag", async () => {
    const dir = await clone(remote(SANDBOX_REPOSITORIES.publicRepo));
    expect(await readFile(path.join(dir, "README.md"), "utf8")).toContain('# Legacy "classic" site');
    expect((await git(["rev-parse", "--abbrev-ref", "HEAD"], dir)).trim()).toBe("master");
    expect((await git(["log", "--format=%an <%ae>|%s", "-1"], dir)).trim()).toMatch(/^.+ <.+@example\.com>\|Update README$/);
    const refs = await git(["ls-remote", "--symref", remote(SANDBOX_REPOSITORIES.publicRepo)]);
    expect(refs).toMatch(/^ref: refs\/heads\/master\tHEAD$/m);
    expect(refs).toMatch(/^[0-9a-f]{40}\trefs\/heads\/master$/m);
    expect(refs).toMatch(/^[0-9a-f]{40}\trefs\/heads\/develop$/m);
    expect(refs).toMatch(/^[0-9a-f]{40}\trefs\/tags\/v1\.0\.0$/m);
    expect(lastLogged("/git-upload-pack")).toMatchObject({ method: "POST", status: 200, account: null });
  });

  it("refuses a private repository without credentials (401 with a Basic challenge)", async () => {
    await expect(clone(remote(SANDBOX_REPOSITORIES.privateRepo))).rejects.toThrow();
    const response = await fetch(`${sandbox().url}/${SANDBOX_REPOSITORIES.privateRepo}.git/info/refs?service=git-upload-pack`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(lastLogged("/info/refs")).toMatchObject({ status: 401, account: null });
  });

  it("clones a private repository with x-token-auth and an OAuth access token", async () => {
    const { accessToken } = sandbox().state.grantTokensFor("bob");
    const dir = await clone(remote(SANDBOX_REPOSITORIES.privateRepo, "x-token-auth", accessToken));
    expect((await git(["rev-parse", "--abbrev-ref", "HEAD"], dir)).trim()).toBe("main");
    expect(lastLogged("/git-upload-pack")).toMatchObject({ status: 200, account: "bob" });
  });

  it("clones a private repository with x-bitbucket-api-token-auth and with the nickname", async () => {
    await clone(remote(SANDBOX_REPOSITORIES.privateRepo, "x-bitbucket-api-token-auth", SANDBOX_ACCOUNTS.carol.apiToken));
    expect(lastLogged("/git-upload-pack")?.account).toBe("carol");
    await clone(remote("initech/tps-reports", "carol", SANDBOX_ACCOUNTS.carol.apiToken));
    // bob is not a member of initech; an app password style login is refused.
    await expect(clone(remote("initech/tps-reports", "x-bitbucket-api-token-auth", SANDBOX_ACCOUNTS.bob.apiToken))).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 404, account: "bob" });
    await expect(clone(remote(SANDBOX_REPOSITORIES.privateRepo, "alice", "an-app-password"))).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 401 });
  });

  it("is read-only", async () => {
    const dir = await clone(remote(SANDBOX_REPOSITORIES.personalPublic, "x-bitbucket-api-token-auth", SANDBOX_ACCOUNTS.alice.apiToken));
    await git(["-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "--allow-empty", "-q", "-m", "push me"], dir);
    await expect(git(["push", "-q", "origin", "HEAD"], dir)).rejects.toThrow();
    expect(lastLogged("/info/refs")).toMatchObject({ status: 403, query: { service: "git-receive-pack" } });
  });

  it("survives two concurrent first clones and builds deterministic SHAs", async () => {
    const fullName = "globex/open-api-specs";
    const url = remote(fullName);
    const [one, two] = await Promise.all([clone(url), clone(url)]);
    const [headOne, headTwo] = await Promise.all([git(["rev-parse", "HEAD"], one), git(["rev-parse", "HEAD"], two)]);
    expect(headOne).toBe(headTwo);

    const otherDir = await mkdtemp(path.join(tmpdir(), "bb-sandbox-other-"));
    try {
      const state = createSandboxState();
      const repository = state.repository("globex", "open-api-specs")!;
      // Two backends without a shared lock (like two processes) racing on the same directory.
      const [bare, bareAgain] = await Promise.all([
        new GitBackend(state, otherDir).ensureRepository(repository),
        new GitBackend(state, otherDir).ensureRepository(repository),
      ]);
      expect(bareAgain).toBe(bare);
      expect(await git(["--git-dir", bare, "rev-parse", "refs/heads/main"])).toBe(headOne);
      expect(await git(["--git-dir", bare, "fsck", "--no-progress"])).toBe("");
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("accepts gzip request bodies (protocol v2 ls-refs)", async () => {
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
    const body = gzipSync(Buffer.from(`${pkt("command=ls-refs\n")}0001${pkt("symrefs\n")}0000`));
    const response = await fetch(`${sandbox().url}/${SANDBOX_REPOSITORIES.publicRepo}.git/git-upload-pack`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-git-upload-pack-request",
        "Content-Encoding": "gzip",
        "Git-Protocol": "version=2",
        Accept: "application/x-git-upload-pack-result",
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
    const text = await response.text();
    expect(text).toContain("refs/heads/master");
    expect(text).toContain("refs/tags/v1.0.0");
  });
});

describe("repository content over git", () => {
  const aliceUrl = (fullName: string, suffix = "") => {
    const url = new URL(`${sandbox().url}/${fullName}.git${suffix}`);
    url.username = "x-bitbucket-api-token-auth";
    url.password = SANDBOX_ACCOUNTS.alice.apiToken;
    return url.toString();
  };
  const anonymousUrl = (fullName: string, suffix = "") => `${sandbox().url}/${fullName}.git${suffix}`;
  const expected = showcaseExpectations();

  it("has the branches, tags and commit hashes the API reports", async () => {
    const refs = await git(["ls-remote", aliceUrl(SANDBOX_REPOSITORIES.privateRepo)]);
    for (const [branch, sha] of Object.entries(expected.branches)) expect(refs).toContain(`${sha}\trefs/heads/${branch}`);
    expect(refs).toContain(`${expected.tags["v1.1.0"]!.commit}\trefs/tags/v1.1.0`);
    expect(refs).toMatch(/^[0-9a-f]{40}\trefs\/tags\/v1\.0\.0\^\{\}$/m);

    const dir = await clone(aliceUrl(SANDBOX_REPOSITORIES.privateRepo));
    for (const pr of expected.pullRequests) {
      const present = await git(["cat-file", "-e", `${pr.sourceCommit}^{commit}`], dir).then(
        () => true,
        () => false,
      );
      expect(present, `pull request #${pr.id} source commit`).toBe(pr.sourceCommitInRepository);
      if (pr.mergeCommit) expect((await git(["cat-file", "-t", pr.mergeCommit], dir)).trim()).toBe("commit");
    }
    // Merged pull request #1: the merge commit's second parent is the source commit.
    const pr1 = expected.pullRequests[0]!;
    expect((await git(["rev-parse", `${pr1.mergeCommit}^2`], dir)).trim()).toBe(pr1.sourceCommit);
  });

  it("lets the readable fork's source commit be fetched", async () => {
    const pr7 = expected.pullRequests.find((pr) => pr.id === 7)!;
    const refs = await git(["ls-remote", aliceUrl(pr7.sourceRepository!), `refs/heads/${pr7.sourceBranch}`]);
    expect(refs.split("\t")[0]).toBe(pr7.sourceCommit);
    await expect(git(["ls-remote", aliceUrl("coyote-labs/rocket-launcher")])).rejects.toThrow();
  });

  it("clones the wiki through the same access rules, 404 when wikis are removed", async () => {
    const dir = await clone(aliceUrl(SANDBOX_REPOSITORIES.privateRepo, "/wiki"));
    const files = (await git(["ls-files"], dir)).trim().split("\n");
    expect(files).toEqual(expected.wikiPages);
    expect(await readFile(path.join(dir, "Legacy Notes.wiki"), "utf8")).toContain("= Legacy Notes =");
    expect((await git(["log", "--format=%an", "--reverse"], dir)).trim().split("\n")).toEqual(["Alice Anders", "Bob Brown", "Carol Chen"]);
    expect(lastLogged("/wiki/git-upload-pack")).toMatchObject({ status: 200, account: "alice" });
    // Anonymous: private wiki asks for credentials; a public repository's wiki clones.
    await expect(clone(anonymousUrl(SANDBOX_REPOSITORIES.privateRepo, "/wiki"))).rejects.toThrow();
    await clone(anonymousUrl(SANDBOX_REPOSITORIES.publicRepo, "/wiki"));
    // No wiki on this repository.
    await expect(clone(aliceUrl(SANDBOX_REPOSITORIES.personalPublic, "/wiki"))).rejects.toThrow();
    expect(lastLogged("/wiki/info/refs")).toMatchObject({ status: 404 });
    sandbox().state.updateKnobs({ wikisRemoved: true });
    try {
      await expect(clone(aliceUrl(SANDBOX_REPOSITORIES.privateRepo, "/wiki"))).rejects.toThrow();
      expect(lastLogged("/wiki/info/refs")).toMatchObject({ status: 404, account: "alice" });
    } finally {
      sandbox().state.updateKnobs({ wikisRemoved: false });
    }
  });

  it.skipIf(!hasGitLfs)("serves LFS objects to a real git-lfs client (smudge gets the content)", async () => {
    const target = await clone(aliceUrl(SANDBOX_REPOSITORIES.privateRepo), LFS_CONFIG);
    for (const object of expected.lfsObjects) {
      const content = await readFile(path.join(target, object.path));
      expect(content.length, object.path).toBe(object.size);
      expect(createHash("sha256").update(content).digest("hex")).toBe(object.oid);
    }
    expect((await readFile(path.join(target, "assets/logo.png"))).subarray(0, 4).toString("latin1")).toBe("\x89PNG");
    expect(sandbox().state.requests().some((entry) => entry.path.endsWith("/info/lfs/objects/batch") && entry.status === 200 && entry.account === "alice")).toBe(true);
    expect(sandbox().state.requests().filter((entry) => entry.path.startsWith("/_lfs/") && entry.status === 200).length).toBeGreaterThanOrEqual(expected.lfsObjects.length);
    // Without the filters, the checkout holds the pointer files.
    const plain = await clone(aliceUrl(SANDBOX_REPOSITORIES.privateRepo));
    expect(await readFile(path.join(plain, "assets/logo.png"), "utf8")).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${expected.lfsObjects[0]!.oid}\nsize ${expected.lfsObjects[0]!.size}\n`);
  });

  it("serves LFS batch over HTTP with download links on the server's URL", async () => {
    const object = expected.lfsObjects[1]!;
    const response = await fetch(`${sandbox().url}/${SANDBOX_REPOSITORIES.privateRepo}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: {
        Accept: "application/vnd.git-lfs+json",
        "Content-Type": "application/vnd.git-lfs+json",
        Authorization: `Basic ${Buffer.from(`x-bitbucket-api-token-auth:${SANDBOX_ACCOUNTS.bob.apiToken}`).toString("base64")}`,
      },
      body: JSON.stringify({ operation: "download", objects: [{ oid: object.oid, size: object.size }] }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.objects[0].actions.download.href).toBe(`${sandbox().url}/_lfs/acme/rocket-launcher/${object.oid}`);
    const bytes = await fetch(body.objects[0].actions.download.href, { headers: body.objects[0].actions.download.header });
    expect(Buffer.from(await bytes.arrayBuffer()).length).toBe(object.size);
  });
});
