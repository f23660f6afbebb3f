import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { bitbucketCredentialForUser } from "@/lib/auth";
import { gitCredentialsFor } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { checkRemoteUrl, ensureBareRepository, fetchRepository, isValidRefName, projectWikiPath, runGit, setDefaultBranch, type CredentialsProvider } from "@/lib/git";
import { withRepositoryLock } from "@/lib/git/lock";
import { listWikiPages } from "@/lib/projects/wiki";
import { ArchiveCanceled, type ArchiveRunContext } from "./run-context";

/**
 * A project's wiki from a git URL or an uploaded `git bundle`, replacing what the wiki held
 * (branches and tags mirrored, like a repository import).
 *
 * - URLs follow the repository import's rules (lib/git: http(s) only, allowed hosts, no
 *   credentials in the URL, no local paths). The importing user's Bitbucket credential is sent
 *   only to the configured Bitbucket host.
 * - A bundle is verified with `git bundle verify` in an empty scratch repository first (so an
 *   incremental bundle, which needs commits Ferry does not have, is refused), then unbundled into
 *   the wiki repository; only `refs/heads/*` and `refs/tags/*` with valid names are taken.
 */

export type WikiCounts = { pages: number; branches: number; tags: number; defaultBranch: string | null };

function refused(message: string): AppError {
  return new AppError("wiki_source_refused", message);
}

/** Checks a wiki URL before a job is created; throws AppError("remote_not_allowed") with the reason. */
export async function checkWikiUrl(url: string): Promise<string> {
  const trimmed = url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new AppError("remote_not_allowed", "Give the wiki as an http(s) URL of a git repository; local paths are not accepted.");
  }
  return (await checkRemoteUrl(trimmed)).href;
}

async function credentialsFor(userId: string, url: string): Promise<CredentialsProvider | undefined> {
  if (new URL(url).origin !== new URL(config().BITBUCKET_URL).origin) return undefined;
  try {
    const credential = await bitbucketCredentialForUser(userId);
    return () => gitCredentialsFor(credential);
  } catch {
    return undefined;
  }
}

/** Aborts `run` when the job is canceled (checked every second). */
async function cancellable<T>(ctx: ArchiveRunContext, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setInterval(() => {
    ctx.checkpoint().catch((error: unknown) => {
      if (error instanceof ArchiveCanceled) controller.abort();
    });
  }, 1000);
  try {
    return await run(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw new ArchiveCanceled();
    throw error;
  } finally {
    clearInterval(timer);
  }
}

type BundleRef = { sha: string; ref: string };

function parseHeads(output: string): BundleRef[] {
  return output
    .split("\n")
    .map((line) => /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ sha: match[1]!, ref: match[2]! }));
}

async function importBundle(ctx: ArchiveRunContext, bundlePath: string, signal: AbortSignal): Promise<string | null> {
  // `git bundle verify` (2.39) mistakes `--` for the file name; the path is Ferry's own, absolute, so it cannot pass as an option.
  if (!path.isAbsolute(bundlePath)) throw new Error("The bundle path must be absolute");
  const scratch = path.join(ctx.workDirectory, "verify.git");
  await mkdir(ctx.workDirectory, { recursive: true });
  await ensureBareRepository(scratch);
  const scratchGit = { env: { GIT_DIR: scratch }, cwd: scratch, signal, timeoutMs: 30 * 60_000 };
  try {
    await runGit(["bundle", "verify", bundlePath], scratchGit);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    if (/lacks these prerequisite commits|requires this ref|prerequisite/i.test(stderr)) {
      throw refused("The bundle is incremental: it needs commits that are not in it. Create it with `git bundle create wiki.bundle --all` in a clone of the wiki.");
    }
    throw refused("The file is not a valid git bundle (`git bundle verify` refused it). Create one with `git bundle create wiki.bundle --all` in a clone of the wiki.");
  }
  // `git bundle unbundle` does not check objects as a fetch does: they are unpacked here first and checked.
  await runGit(["bundle", "unbundle", bundlePath], scratchGit);
  try {
    await runGit(["fsck", "--strict", "--no-dangling", "--no-progress"], scratchGit);
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? "").split("\n").find((line) => /error/i.test(line)) ?? "";
    throw refused(`The bundle holds malformed git objects (git fsck: ${stderr.trim().slice(0, 200) || "failed"}).`);
  }
  const listed = parseHeads((await runGit(["bundle", "list-heads", bundlePath], scratchGit)).stdout);
  const headTarget = listed.find((entry) => entry.ref === "HEAD")?.sha ?? null;
  const refs = listed.filter((entry) => (entry.ref.startsWith("refs/heads/") || entry.ref.startsWith("refs/tags/")) && isValidRefName(entry.ref));
  if (!refs.some((entry) => entry.ref.startsWith("refs/heads/"))) throw refused("The bundle has no branches; create it with `git bundle create wiki.bundle --all`.");

  const wiki = projectWikiPath(ctx.project.id);
  await withRepositoryLock(wiki, async () => {
    await ensureBareRepository(wiki);
    const wikiGit = { env: { GIT_DIR: wiki }, cwd: wiki, signal, timeoutMs: 30 * 60_000 };
    await runGit(["bundle", "unbundle", bundlePath], wikiGit);
    const existing = (await runGit(["for-each-ref", "--format=%(refname)", "refs/heads/", "refs/tags/"], wikiGit)).stdout.split("\n").filter(Boolean);
    const wanted = new Set(refs.map((entry) => entry.ref));
    const commands = [
      "start",
      ...refs.map((entry) => `update ${entry.ref} ${entry.sha}`),
      ...existing.filter((ref) => !wanted.has(ref)).map((ref) => `delete ${ref}`),
      "prepare",
      "commit",
    ];
    await runGit(["update-ref", "--stdin"], { ...wikiGit, input: `${commands.join("\n")}\n` });
  });
  const headBranch = headTarget ? refs.find((entry) => entry.sha === headTarget && entry.ref.startsWith("refs/heads/"))?.ref.slice("refs/heads/".length) : undefined;
  return headBranch ?? null;
}

/** Runs one wiki job: from `ctx.filePath` (a bundle) or `url`. */
export async function importWiki(ctx: ArchiveRunContext, source: { url: string } | { bundlePath: string }): Promise<WikiCounts> {
  const wiki = projectWikiPath(ctx.project.id);
  await ctx.checkpoint();
  let preferredBranch: string | null = null;
  try {
    if ("url" in source) {
      const url = await checkWikiUrl(source.url);
      const credentials = await credentialsFor(ctx.userId, url);
      await cancellable(ctx, (signal) => fetchRepository({ repoPath: wiki, remoteUrl: url, credentials, signal }));
    } else {
      preferredBranch = await cancellable(ctx, (signal) => importBundle(ctx, source.bundlePath, signal));
    }
  } finally {
    await rm(path.join(ctx.workDirectory, "verify.git"), { recursive: true, force: true });
  }
  ctx.markWritten();
  const defaultBranch = await setDefaultBranch(wiki, preferredBranch);
  const { stdout } = await runGit([`--git-dir=${wiki}`, "for-each-ref", "--format=%(refname)", "refs/heads/", "refs/tags/"], { cwd: wiki });
  const refs = stdout.split("\n").filter(Boolean);
  const pages = (await listWikiPages(ctx.project.id))?.length ?? 0;
  await db.project.update({ where: { id: ctx.project.id }, data: { hasWiki: true } });
  const counts: WikiCounts = {
    pages,
    branches: refs.filter((ref) => ref.startsWith("refs/heads/")).length,
    tags: refs.filter((ref) => ref.startsWith("refs/tags/")).length,
    defaultBranch,
  };
  ctx.message("info", "wiki_imported", `The wiki has ${pages} page${pages === 1 ? "" : "s"}${defaultBranch ? ` on ${defaultBranch}` : ""}.`);
  await ctx.progress(100, counts, true);
  return counts;
}
