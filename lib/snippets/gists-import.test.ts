import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDatabase } from "@/test/db";
import { callApi, userWithToken } from "@/test/api";
import { patchEnv } from "@/test/env";
import { startGithubTestSandbox, type GithubSandbox } from "@/test/github";
import { waitFor } from "@/test/import";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { countCommits, runGit, snippetRepositoryPath } from "@/lib/git";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { stopJobs } from "@/lib/jobs";
import { updateSettings } from "@/lib/settings";
import { GITHUB_ACCOUNTS, GITHUB_GISTS } from "@/mocks/github";
import { gistTitle, startGistsImport, startGistsImportWorkers, type GistsImportRun } from "./gists-import";

/**
 * The gists import end to end: the GitHub sandbox as a real server (API and gist git), real
 * PostgreSQL, the pg-boss worker of this process. One import (and one repeat) serves every check.
 */

let sandbox: GithubSandbox;
let stopSandbox: (() => Promise<void>) | undefined;
const [deployGist, secretGist, elevenFilesGist] = GITHUB_GISTS.filter((gist) => gist.owner === "alice");

type Json = Record<string, unknown>;
let alice: Awaited<ReturnType<typeof userWithToken>>;
let bob: Awaited<ReturnType<typeof userWithToken>>;
let admin: Awaited<ReturnType<typeof userWithToken>>;
let first: GistsImportRun;
let repeat: GistsImportRun;

async function finished(runId: number): Promise<GistsImportRun> {
  await waitFor(async () => {
    const run = await db.gistImport.findUniqueOrThrow({ where: { id: runId } });
    return !isActiveImportStatus(run.status);
  }, 60_000, `gists import ${runId}`);
  return (await db.gistImport.findUniqueOrThrow({ where: { id: runId }, include: { items: { orderBy: { id: "asc" } } } })) as unknown as GistsImportRun;
}

async function json(response: Response): Promise<{ status: number; body: Json & Json[] }> {
  return { status: response.status, body: (await response.json()) as Json & Json[] };
}

beforeAll(async () => {
  const started = await startGithubTestSandbox();
  ({ sandbox, stop: stopSandbox } = started);
  await resetDatabase();
  [alice, bob, admin] = [await userWithToken("alice"), await userWithToken("bob"), await userWithToken("root", { admin: true })];
  await startGistsImportWorkers();
  first = await finished((await startGistsImport(alice.user, { token: GITHUB_ACCOUNTS.alice.token })).id);
  repeat = await finished((await startGistsImport(alice.user, { token: GITHUB_ACCOUNTS.alice.token })).id);
});

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

async function snippetOf(gistId: string) {
  return db.snippet.findFirst({ where: { sourceId: gistId }, include: { files: { orderBy: { position: "asc" } } } });
}

describe("importing GitHub gists", () => {
  it("makes each gist of up to ten files a snippet with its files, its latest content and its whole history", async () => {
    expect(first.status).toBe("finished");
    const snippet = (await snippetOf(deployGist!.id))!;
    expect(snippet).toMatchObject({ title: "Deploy helpers", description: "Deploy helpers", visibility: "public", importSource: "github", authorId: alice.user.id });
    expect(snippet.files.map((file) => file.path)).toEqual(["README.md", "deploy.sh"]);
    expect(await countCommits(snippetRepositoryPath(snippet.id))).toBe(deployGist!.revisions.length);

    const raw = await callApi("GET", `/snippets/${snippet.id}/files/${snippet.defaultBranch}/deploy.sh/raw`, alice.token);
    expect(await raw.text()).toBe(deployGist!.revisions.at(-1)!.files.find((file) => file.filename === "deploy.sh")!.content);
  });

  it("makes a secret gist a private snippet titled by its first file", async () => {
    const snippet = (await snippetOf(secretGist!.id))!;
    expect(snippet).toMatchObject({ visibility: "private", title: "notes.txt", description: "" });
    expect(gistTitle({ id: "x", description: "  ", fileNames: ["b.txt", "a.txt"] })).toBe("b.txt");
  });

  it("skips a gist of more than ten files and says why", async () => {
    expect(await snippetOf(elevenFilesGist!.id)).toBeNull();
    const skipped = first.items.filter((item) => item.outcome === "skipped");
    expect(skipped).toEqual([expect.objectContaining({ gistId: elevenFilesGist!.id, title: elevenFilesGist!.description, reason: expect.stringContaining("11 files") })]);
  });

  it("updates the snippets of an earlier import instead of adding copies", async () => {
    expect(repeat.status).toBe("finished");
    expect(await db.snippet.count()).toBe(2);
    const snippetIds = (run: GistsImportRun) => run.items.filter((item) => item.outcome === "imported").map((item) => item.snippetId).sort();
    expect(snippetIds(repeat)).toEqual(snippetIds(first));
    expect(await db.gistImport.count({ where: { token: { not: null } } })).toBe(0);
  });

  it("shows the last import through the API: imported, and skipped with the reason", async () => {
    const { status, body } = await json(await callApi("GET", "/import/github/gists", alice.token));
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: repeat.id, status: "finished", github_login: "alice", failed: [] });
    expect((body.imported as Json[]).map((item) => item.title)).toEqual(expect.arrayContaining(["Deploy helpers", "notes.txt"]));
    expect(body.skipped).toEqual([{ gist_id: elevenFilesGist!.id, title: elevenFilesGist!.description, reason: expect.stringContaining("at most 10") }]);
    expect((await json(await callApi("GET", "/import/github/gists", bob.token))).body).toMatchObject({ status: "none", imported: [] });
  });

  it("answers 401 when GitHub refuses the token, 403 when GitHub imports are disabled, 429 when its rate limit is spent, and 422 while the user's gists import runs", async () => {
    const refused = await json(await callApi("POST", "/import/github/gists", alice.token, { personal_access_token: "ghp_not-a-token" }));
    expect(refused).toEqual({ status: 401, body: { error: "Access denied to your GitHub account." } });
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: false } });
    const disabled = await json(await callApi("POST", "/import/github/gists", alice.token, { personal_access_token: GITHUB_ACCOUNTS.alice.token }));
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: true } });
    expect(disabled).toEqual({ status: 403, body: { error: "Importing from GitHub is disabled on this Ferry." } });
    sandbox.state.setRateLimit("carol", { remaining: 0, resetInSeconds: 3600 });
    const limited = await json(await callApi("POST", "/import/github/gists", bob.token, { personal_access_token: GITHUB_ACCOUNTS.carol.token }));
    expect(limited).toMatchObject({ status: 429, body: { error: "Too Many Requests" } });

    const running = await db.gistImport.create({ data: { userId: bob.user.id, status: "started", token: encryptSecret(GITHUB_ACCOUNTS.bob.token!) } });
    try {
      const conflict = await json(await callApi("POST", "/import/github/gists", bob.token, { personal_access_token: GITHUB_ACCOUNTS.bob.token }));
      expect(conflict).toEqual({ status: 422, body: { error: "Import already in progress" } });
    } finally {
      await db.gistImport.delete({ where: { id: running.id } });
    }
  });
});

describe("a gist that cannot be imported", () => {
  it("is listed as failed with the reason, and the run ends as partially completed", async () => {
    // GitHub's web host is configured elsewhere, so the sandbox's git URLs are on a host Ferry may not reach.
    const restore = patchEnv({ GITHUB_URL: "https://github.example.invalid", ALLOWED_HOSTS: "" });
    try {
      const run = await finished((await startGistsImport(bob.user, { token: GITHUB_ACCOUNTS.bob.token! })).id);
      expect(run.status).toBe("partial");
      expect(run.items).toEqual([expect.objectContaining({ title: "Bob's snippet", outcome: "failed", reason: expect.stringMatching(/not allowed/i), snippetId: null })]);
      expect(await db.snippet.count({ where: { authorId: bob.user.id } })).toBe(0);
      const { body } = await json(await callApi("GET", "/import/github/gists", bob.token));
      expect(body).toMatchObject({ status: "partial", imported: [], failed: [{ title: "Bob's snippet", reason: expect.stringMatching(/not allowed/i) }] });
    } finally {
      restore();
    }
  });
});

describe("the snippets API", () => {
  it("lists the caller's own snippets in GitLab's shape", async () => {
    const { status, body } = await json(await callApi("GET", "/snippets", alice.token));
    expect(status).toBe(200);
    expect(body.map((snippet) => snippet.title).sort()).toEqual(["Deploy helpers", "notes.txt"]);
    const deploy = body.find((snippet) => snippet.title === "Deploy helpers")!;
    expect(deploy).toMatchObject({ visibility: "public", file_name: "README.md", imported: true, imported_from: "github", author: { username: "alice" }, project_id: null });
    expect(deploy.files).toEqual([
      { path: "README.md", raw_url: expect.stringMatching(/\/api\/v4\/snippets\/\d+\/files\/main\/README\.md\/raw$/) },
      { path: "deploy.sh", raw_url: expect.stringMatching(/\/deploy\.sh\/raw$/) },
    ]);
    expect((await json(await callApi("GET", "/snippets", bob.token))).body).toEqual([]);
  });

  it("serves a private snippet only to its author and administrators, and a public one to anyone", async () => {
    const secret = (await snippetOf(secretGist!.id))!;
    const open = (await snippetOf(deployGist!.id))!;
    const statusFor = async (id: number, token: string | null, suffix = "") => (await callApi("GET", `/snippets/${id}${suffix}`, token)).status;

    for (const suffix of ["", "/raw", `/files/main/notes.txt/raw`]) {
      expect([await statusFor(secret.id, alice.token, suffix), await statusFor(secret.id, admin.token, suffix)]).toEqual([200, 200]);
      expect([await statusFor(secret.id, bob.token, suffix), await statusFor(secret.id, null, suffix)]).toEqual([404, 404]);
    }
    expect([await statusFor(open.id, bob.token), await statusFor(open.id, null, "/raw")]).toEqual([200, 200]);
    expect(await (await callApi("GET", `/snippets/${secret.id}/raw`, alice.token)).text()).toBe(secretGist!.revisions[0]!.files[0]!.content);
  });

  it("reads a file at an earlier commit of the snippet's history, and 404s for refs and files it lacks", async () => {
    const snippet = (await snippetOf(deployGist!.id))!;
    const { stdout } = await runGit([`--git-dir=${snippetRepositoryPath(snippet.id)}`, "rev-list", "--max-parents=0", "HEAD"]);
    const firstCommit = stdout.trim();
    const old = await callApi("GET", `/snippets/${snippet.id}/files/${firstCommit}/deploy.sh/raw`, alice.token);
    expect(await old.text()).toBe(deployGist!.revisions[0]!.files[0]!.content);
    expect((await callApi("GET", `/snippets/${snippet.id}/files/${firstCommit}/README.md/raw`, alice.token)).status).toBe(404);
    expect((await callApi("GET", `/snippets/${snippet.id}/files/no-such-branch/deploy.sh/raw`, alice.token)).status).toBe(404);
  });
});
