import { z } from "zod";
import { githubAccessOf, githubTokenForAccount } from "@/lib/auth/github-credential";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db, type Prisma } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import type { GistImportOutcome } from "@/lib/generated/prisma/enums";
import { GitHubError } from "@/lib/github";
import { defineJob, enqueue, startWorkers, type JobContext } from "@/lib/jobs";
import { ACTIVE_IMPORT_STATUSES, isActiveImportStatus } from "@/lib/import/status-vocabulary";
import type { Actor } from "@/lib/projects/access";
import { getSettings } from "@/lib/settings";
import { gistRemoteCheck, openGithubGists, type GithubGist } from "./github-gists";
import { fetchSnippetRepository, removeSnippetRepository, resolveSnippetRef, snippetTree } from "./repository";

/**
 * "Import my GitHub gists": one run per request, in the background on pg-boss. Each gist becomes
 * a personal snippet of the user (files, history, title from the description or the first file's
 * name, secret → private, public → public); a gist with more than GIST_FILE_LIMIT files is skipped
 * and listed. A user has one run at a time.
 *
 * The run keeps what it did per gist (GistImportItem, keyed by the gist id) and the snippet is
 * keyed by author + gist id: a retried or resumed run goes on with the gists it has not handled,
 * and a later run updates the snippets an earlier one made instead of adding copies.
 */

export const GIST_FILE_LIMIT = 10;
const GITHUB = "github";

export const gistsImportJob = defineJob({
  name: "github-gists-import",
  schema: z.object({ importId: z.number().int().positive() }),
  concurrency: 1,
  retryLimit: 3,
  retryDelaySeconds: 10,
  expireInSeconds: 3600,
  handler: ({ importId }, context) => runGistsImport(importId, context),
  resume: resumeGistsImports,
});

/** Starts this process's gists import workers; runs a previous process left unfinished continue. */
export async function startGistsImportWorkers(): Promise<void> {
  await startWorkers([gistsImportJob]);
}

function queueRun(importId: number): Promise<void> {
  return enqueue(gistsImportJob, { importId }, { key: `github-gists-import:${importId}` });
}

async function resumeGistsImports(): Promise<number> {
  const active = await db.gistImport.findMany({ where: { status: { in: [...ACTIVE_IMPORT_STATUSES] } }, select: { id: true } });
  for (const run of active) await queueRun(run.id);
  return active.length;
}

// ---------------------------------------------------------------------------------------------
// Starting a run and reading the last one

/** A GitHub token from the user's linked GitHub identity, or null without one. */
export async function linkedGithubToken(userId: string): Promise<string | null> {
  const access = await githubAccessOf(userId);
  return access ? githubTokenForAccount(access.accountId) : null;
}

/**
 * Queues a run with the token (asked first, so a refused token is a 401 now rather than a failed
 * run later). The user's own gists go to the user's own snippets, so importing needs no other right.
 */
export async function startGistsImport(user: Actor, input: { token: string }): Promise<GistsImportRun> {
  if (!(await getSettings()).importSources.github) throw new AppError("import_source_disabled", "Importing from GitHub is disabled on this Ferry.");
  const account = await openGithubGists(input.token);
  const run = await db.$transaction(async (tx) => {
    // Two requests of one user at once: the second sees the first's run.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`github-gists-import:${user.id}`}))`;
    const running = await tx.gistImport.findFirst({ where: { userId: user.id, status: { in: [...ACTIVE_IMPORT_STATUSES] } }, select: { id: true } });
    if (running) throw new AppError("gists_import_running", "Import already in progress");
    return tx.gistImport.create({ data: { userId: user.id, token: encryptSecret(input.token), githubLogin: account.login }, select: { id: true } });
  });
  await queueRun(run.id);
  return (await gistsImportRun(run.id))!;
}

const runSelect = {
  id: true,
  status: true,
  githubLogin: true,
  error: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  items: { select: { gistId: true, title: true, outcome: true, reason: true, snippetId: true }, orderBy: { id: "asc" } },
} satisfies Prisma.GistImportSelect;

export type GistsImportRun = Prisma.GistImportGetPayload<{ select: typeof runSelect }>;

async function gistsImportRun(importId: number): Promise<GistsImportRun | null> {
  return db.gistImport.findUnique({ where: { id: importId }, select: runSelect });
}

/** The user's last gists import run, or null when there has been none. */
export async function lastGistsImport(userId: string): Promise<GistsImportRun | null> {
  return db.gistImport.findFirst({ where: { userId }, orderBy: { id: "desc" }, select: runSelect });
}

export function itemsWithOutcome(run: Pick<GistsImportRun, "items">, outcome: GistImportOutcome) {
  return run.items.filter((item) => item.outcome === outcome);
}

// ---------------------------------------------------------------------------------------------
// Running

/** The snippet's title: the gist's description, or its first file's name. */
export function gistTitle(gist: Pick<GithubGist, "description" | "fileNames" | "id">): string {
  const title = gist.description?.trim() || gist.fileNames[0] || gist.id;
  return title.length > 255 ? `${title.slice(0, 254)}…` : title;
}

async function finishRun(importId: number, outcome: { error?: string } = {}): Promise<void> {
  const failed = await db.gistImportItem.count({ where: { importId, outcome: "failed" } });
  const status = outcome.error ? "failed" : failed > 0 ? "partial" : "finished";
  await db.gistImport.update({ where: { id: importId }, data: { status, error: outcome.error ?? null, token: null, finishedAt: new Date() } });
}

async function runGistsImport(importId: number, context: JobContext): Promise<void> {
  const run = await db.gistImport.findUnique({ where: { id: importId }, select: { id: true, userId: true, status: true, token: true, startedAt: true } });
  if (!run || !isActiveImportStatus(run.status)) return;
  if (!run.token) return finishRun(importId, { error: "The GitHub token of this import is no longer stored; start the import again." });
  await db.gistImport.update({ where: { id: importId }, data: { status: "started", startedAt: run.startedAt ?? new Date() } });
  const token = decryptSecret(run.token);
  const handled = new Set((await db.gistImportItem.findMany({ where: { importId }, select: { gistId: true } })).map((item) => item.gistId));
  try {
    const account = await openGithubGists(token);
    for await (const gist of account.gists()) {
      if (handled.has(gist.id)) continue;
      const result = await importGist(run.userId, gist, token);
      await db.gistImportItem.upsert({
        where: { importId_gistId: { importId, gistId: gist.id } },
        create: { importId, gistId: gist.id, title: gistTitle(gist), ...result },
        update: {},
      });
      handled.add(gist.id);
    }
  } catch (error) {
    const retryAt = error instanceof GitHubError && error.code === "github_rate_limited" ? error.retryAt : null;
    // GitHub's limit resets later: the run continues then, with the gists it has not handled yet.
    if (retryAt) return enqueue(gistsImportJob, { importId }, { key: `github-gists-import:${importId}:${retryAt.getTime()}`, startAfterSeconds: Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000)) });
    if (isAppError(error)) return finishRun(importId, { error: error.message });
    if (context.retryCount < context.retryLimit) throw error;
    console.error(`[gists import ${importId}] failed unexpectedly:`, error);
    return finishRun(importId, { error: "The import stopped on an unexpected error; start it again to import the remaining gists." });
  }
  await finishRun(importId);
}

type GistOutcome = { outcome: GistImportOutcome; reason: string | null; snippetId: number | null };

async function importGist(userId: string, gist: GithubGist, token: string): Promise<GistOutcome> {
  if (gist.fileNames.length > GIST_FILE_LIMIT) {
    return {
      outcome: "skipped",
      reason: `It has ${gist.fileNames.length} files; a snippet holds at most ${GIST_FILE_LIMIT}. Copy this gist by hand.`,
      snippetId: null,
    };
  }
  try {
    return { outcome: "imported", reason: null, snippetId: await snippetFromGist(userId, gist, token) };
  } catch (error) {
    if (!isAppError(error)) console.error(`[gists import] gist ${gist.id} failed unexpectedly:`, error);
    return { outcome: "failed", reason: isAppError(error) ? error.message : "An unexpected error stopped this gist's import.", snippetId: null };
  }
}

/** Creates or updates the user's snippet of the gist, fetches its history and lists its files. */
async function snippetFromGist(userId: string, gist: GithubGist, token: string): Promise<number> {
  const key = { authorId: userId, importSource: GITHUB, sourceId: gist.id };
  const fields = {
    title: gistTitle(gist),
    description: gist.description?.trim() ?? "",
    visibility: gist.public ? ("public" as const) : ("private" as const),
    sourceUrl: gist.htmlUrl,
  };
  const existing = await db.snippet.findFirst({ where: key, select: { id: true } });
  const snippet = existing ?? (await db.snippet.create({ data: { ...key, ...fields, createdAt: gist.createdAt }, select: { id: true } }));
  try {
    const branch = await fetchSnippetRepository(snippet.id, {
      url: gist.gitPullUrl,
      credentials: async () => ({ username: "x-access-token", password: token }),
      remoteCheck: gistRemoteCheck(),
    });
    const commit = branch ? await resolveSnippetRef(snippet.id, branch) : null;
    const files = commit ? await snippetTree(snippet.id, commit) : [];
    await db.$transaction([
      db.snippetFile.deleteMany({ where: { snippetId: snippet.id } }),
      db.snippetFile.createMany({ data: files.map((file, position) => ({ snippetId: snippet.id, path: file.path, size: file.size, position })) }),
      db.snippet.update({ where: { id: snippet.id }, data: { ...fields, defaultBranch: branch } }),
    ]);
  } catch (error) {
    if (!existing) {
      await db.snippet.delete({ where: { id: snippet.id } }).catch(() => undefined);
      await removeSnippetRepository(snippet.id);
    }
    throw error;
  }
  return snippet.id;
}
