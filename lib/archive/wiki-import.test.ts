import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect } from "vitest";
import { SHOWCASE_REPOSITORY, showcaseExpectations } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { repositoriesRoot } from "@/lib/git";
import { listWikiPages, readWikiPage } from "@/lib/projects/wiki";
import { createUserWithProject, uploadFile } from "@/test/archive";
import { sandboxTest as test } from "@/test/sandbox";
import { runArchiveJob, startWikiImport } from "./jobs";

const directory = mkdtempSync(path.join(tmpdir(), "ferry-wiki-import-"));
let counter = 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Wiki", "-c", "user.email=wiki@example.com", "-c", "init.defaultBranch=master", ...args], { cwd, encoding: "utf8", stdio: "pipe" });
}

/** A wiki clone with `files`, committed; returns its directory. */
function wikiClone(files: Record<string, string>): string {
  const work = path.join(directory, `wiki-${++counter}`);
  mkdirSync(work, { recursive: true });
  git(work, "init", "--quiet");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), content);
  }
  git(work, "add", "--all");
  git(work, "commit", "--quiet", "-m", "Pages");
  return work;
}

function bundleOf(work: string, ...revisions: string[]): string {
  const file = path.join(directory, `wiki-${++counter}.bundle`);
  git(work, "bundle", "create", "--quiet", file, ...(revisions.length > 0 ? revisions : ["--all"]));
  return file;
}

const PAGES = {
  "Home.md": "# Welcome\n\nSee [[Setup Guide]].",
  "Setup Guide.md": "Install it.",
  "docs/Deep Page.md": "Deep down.",
  "Legacy Notes.wiki": "= Legacy =\n\n**bold** and //italic//",
  "notes.rst": "Title\n=====\n\nText.",
  "images/logo.png": "not a page",
};

// Project ids restart with the database: drop wikis of earlier tests.
test.beforeEach(async ({ sandbox }) => {
  void sandbox; // the file's own DATA_DIR
  rmSync(repositoriesRoot(), { recursive: true, force: true });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function finished(jobId: number) {
  return db.archiveImportJob.findUniqueOrThrow({ where: { id: jobId }, include: { messages: { orderBy: { id: "asc" } } } });
}

describe("wiki from a git bundle", () => {
  test("imports every page, keeping subdirectories, spaces and formats", { timeout: 60_000 }, async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const upload = await uploadFile(user.id, bundleOf(wikiClone(PAGES)), "wiki.bundle");
    const job = await startWikiImport(user, { projectId: project.id, uploadId: upload.id });
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state, row.error ?? "").toBe("completed");
    expect(row.counts).toMatchObject({ pages: 5, branches: 1, defaultBranch: "master" });

    const pages = await listWikiPages(project.id);
    expect(pages?.map((page) => `${page.slug} (${page.format})`).sort()).toEqual([
      "Home (markdown)",
      "Legacy Notes (creole)",
      "Setup Guide (markdown)",
      "docs/Deep Page (markdown)",
      "notes (rst)",
    ]);
    expect((await readWikiPage(project.id, "docs/Deep Page"))?.content).toBe("Deep down.");
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).hasWiki).toBe(true);

    // A second bundle replaces the wiki (mirror): removed pages go, new ones come.
    const next = wikiClone({ "Home.md": "New home", "Changelog.md": "1.0" });
    const again = await uploadFile(user.id, bundleOf(next), "wiki.bundle");
    const second = await startWikiImport(user, { projectId: project.id, uploadId: again.id });
    await runArchiveJob(second.id);
    expect((await finished(second.id)).state).toBe("completed");
    expect((await listWikiPages(project.id))?.map((page) => page.slug).sort()).toEqual(["Changelog", "Home"]);
  });

  test("refuses an incremental bundle and a file that is not a bundle", { timeout: 60_000 }, async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const work = wikiClone(PAGES);
    writeFileSync(path.join(work, "More.md"), "more");
    git(work, "add", "--all");
    git(work, "commit", "--quiet", "-m", "More");
    const incremental = await uploadFile(user.id, bundleOf(work, "HEAD~1..master"), "wiki.bundle");
    const first = await startWikiImport(user, { projectId: project.id, uploadId: incremental.id });
    await runArchiveJob(first.id);
    expect(await finished(first.id)).toMatchObject({ state: "failed", error: expect.stringMatching(/incremental/) });

    const notBundle = path.join(directory, "not.bundle");
    writeFileSync(notBundle, "# v2 git bundle\nthis is not one\n");
    const bogus = await uploadFile(user.id, notBundle);
    const second = await startWikiImport(user, { projectId: project.id, uploadId: bogus.id });
    await runArchiveJob(second.id);
    expect(await finished(second.id)).toMatchObject({ state: "failed", error: expect.stringMatching(/not a valid git bundle/) });
    expect(await listWikiPages(project.id)).toBeNull();
  });
});

describe("wiki bundles are checked like fetched objects", () => {
  test("refuses a bundle whose tree has a `.git` entry, writing nothing", { timeout: 60_000 }, async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const work = path.join(directory, `malicious-${++counter}`);
    mkdirSync(work, { recursive: true });
    git(work, "init", "--quiet");
    const run = (args: string[], input?: string) => execFileSync("git", ["-c", "user.name=M", "-c", "user.email=m@example.com", ...args], { cwd: work, input, encoding: "utf8" }).trim();
    const blob = run(["hash-object", "-w", "--stdin"], "[core]\n");
    const tree = run(["mktree"], `100644 blob ${blob}\t.git\n`);
    run(["update-ref", "refs/heads/master", run(["commit-tree", tree, "-m", "x"])]);
    const upload = await uploadFile(user.id, bundleOf(work), "wiki.bundle");
    const job = await startWikiImport(user, { projectId: project.id, uploadId: upload.id });
    await runArchiveJob(job.id);
    expect(await finished(job.id)).toMatchObject({ state: "failed", error: expect.stringMatching(/malformed git objects/) });
    expect(await listWikiPages(project.id)).toBeNull();
  });
});

describe("wiki from a URL", () => {
  test.each([
    ["a local path", "/srv/git/wiki.git"],
    ["a relative path", "../wiki.git"],
    ["file://", "file:///srv/git/wiki.git"],
    ["ssh", "ssh://git@bitbucket.org/acme/wiki.git"],
    ["a host that is not allowed", "https://git.evil.example/acme/wiki.git"],
    ["credentials in the URL", "https://user:secret@bitbucket.org/acme/wiki.git"],
  ])("refuses %s before creating a job", async (_what, url) => {
    const { user, project } = await createUserWithProject("maintainer");
    await expect(startWikiImport(user, { projectId: project.id, url })).rejects.toMatchObject({ code: "remote_not_allowed", status: 422 });
    expect(await db.archiveImportJob.count()).toBe(0);
  });

  test("fetches a wiki from the Bitbucket host with the importing user's credential", { timeout: 90_000 }, async ({ sandbox, alice }) => {
    sandbox.state.updateKnobs({ wikisRemoved: false });
    const namespace = await db.namespace.findUniqueOrThrow({ where: { fullPath: "alice" } });
    const project = await db.project.create({ data: { namespaceId: namespace.id, name: "rocket", path: "rocket", fullPath: "alice/rocket" } });
    const job = await startWikiImport(alice, { projectId: project.id, url: `${sandbox.url}/${SHOWCASE_REPOSITORY}.git/wiki` });
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state, row.error ?? "").toBe("completed");
    expect((await listWikiPages(project.id))?.length).toBe(showcaseExpectations().wikiPages.length);
  });
});
