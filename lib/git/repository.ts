/**
 * Ferry's bare repositories: mirror fetches from Bitbucket (branches and tags), fork refs for
 * merge requests, and the read operations the importer needs.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { AppError, type ErrorCode } from "@/lib/errors";
import { GitError, displayUrl, isGitError } from "./errors";
import { withRepositoryLock } from "./lock";
import { checkRemote, type CheckedRemote, type RemoteCheckOptions } from "./remote";
import { runGit, type CredentialsProvider, type GitConfigEntries, type GitCredentials } from "./run";

export const MIRROR_REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"] as const;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const SHA_PREFIX = /^[0-9a-f]{4,64}$/;

// ---------------------------------------------------------------------------------------------
// Ref names

/** git check-ref-format rules (for full names such as `refs/heads/main`); `*` only with allowPattern. */
export function isValidRefName(name: string, options: { allowPattern?: boolean } = {}): boolean {
  if (!name || name.length > 1024 || name === "@") return false;
  if (name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (/[\x00-\x20\x7f~^:?[\\]/.test(name)) return false;
  if (name.includes("..") || name.includes("@{") || name.includes("//")) return false;
  const stars = (name.match(/\*/g) ?? []).length;
  if (stars > (options.allowPattern ? 1 : 0)) return false;
  return name.split("/").every((part) => part.length > 0 && !part.startsWith(".") && !part.endsWith(".lock"));
}

/** A branch name as used in `refs/heads/<name>`: a valid ref name that does not start with '-'. */
export function isValidBranchName(name: string): boolean {
  return typeof name === "string" && !name.startsWith("-") && name !== "HEAD" && isValidRefName(`refs/heads/${name}`);
}

function checkRefspec(spec: string): string {
  const match = /^(\+?)([^:]+):([^:]+)$/.exec(spec);
  if (!match) throw new AppError("invalid_refspec", `Invalid refspec '${spec.slice(0, 200)}'`);
  const [, , src, dst] = match as unknown as [string, string, string, string];
  const srcStars = src.split("*").length - 1;
  const dstStars = dst.split("*").length - 1;
  if (!src.startsWith("refs/") || !dst.startsWith("refs/") || srcStars !== dstStars || !isValidRefName(src, { allowPattern: true }) || !isValidRefName(dst, { allowPattern: true })) {
    throw new AppError("invalid_refspec", `Invalid refspec '${spec.slice(0, 200)}'`);
  }
  return spec;
}

function gitDir(repoPath: string): { env: Record<string, string>; cwd: string } {
  const absolute = path.resolve(repoPath);
  return { env: { GIT_DIR: absolute }, cwd: absolute };
}

// ---------------------------------------------------------------------------------------------
// Repository setup

/** Creates the bare repository if it is missing or incomplete (re-running `git init` is harmless). */
export async function ensureBareRepository(repoPath: string): Promise<void> {
  const absolute = path.resolve(repoPath);
  const complete = ["HEAD", "objects", "refs", "config"].every((entry) => existsSync(path.join(absolute, entry)));
  if (complete) return;
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  await runGit(["init", "--bare", "--quiet", "--", absolute], { config: { "init.defaultBranch": "main" } });
  await runGit(["config", "http.receivepack", "false"], gitDir(absolute));
}

type RefMap = Map<string, string>;

async function readRefs(repoPath: string): Promise<RefMap> {
  const { stdout } = await runGit(["for-each-ref", "--format=%(objectname) %(refname)"], gitDir(repoPath));
  const refs: RefMap = new Map();
  for (const line of stdout.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/** A fingerprint of every ref of the repository (changes when any ref changes). */
export async function refsFingerprint(repoPath: string): Promise<string> {
  const { stdout } = await runGit(["for-each-ref", "--format=%(objectname) %(refname)"], gitDir(repoPath));
  return createHash("sha256").update(stdout).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Fetching

export interface FetchOptions {
  /** Credentials for the remote; omitted for public repositories. Called again after an auth failure. */
  credentials?: CredentialsProvider;
  /** Host checks (default: BITBUCKET_URL's host and ALLOWED_HOSTS). */
  remoteCheck?: RemoteCheckOptions;
  /** Whole-fetch timeout. Default 2 hours. A transfer that stalls for 10 minutes fails earlier. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FetchRepositoryOptions extends FetchOptions {
  repoPath: string;
  remoteUrl: string;
  /** Default: all branches and tags (MIRROR_REFSPECS). */
  refspecs?: readonly string[];
  /** Delete local refs (under the refspecs' destinations) that the remote no longer has. Default true. */
  prune?: boolean;
}

export interface FetchRepositoryResult {
  /** Whether any ref was created, updated or deleted. */
  changed: boolean;
  /** Refs created, updated or deleted, sorted. */
  updatedRefs: string[];
  branches: number;
  tags: number;
  /** 1, or 2 when the first attempt failed authentication and fresh credentials were used. */
  attempts: number;
}

const AUTH_FAILURE = /could not read (username|password)|authentication failed|returned error: 401|http basic: access denied|invalid credentials/i;

function classifyFetchError(error: unknown, remote: URL): unknown {
  if (!isGitError(error)) return error;
  const where = displayUrl(remote);
  const stderr = error.stderr;
  const fail = (code: ErrorCode, message: string) => new AppError(code, message, { cause: error, details: { remote: where } });
  if (error.reason === "timeout") return fail("remote_timeout", `Fetching from ${where} took too long and was stopped.`);
  if (error.reason === "aborted") return fail("fetch_aborted", `Fetching from ${where} was cancelled.`);
  if (AUTH_FAILURE.test(stderr)) return fail("remote_auth_failed", `${where} refused the credentials (HTTP 401). Sign in to Bitbucket again.`);
  if (/returned error: 403/i.test(stderr)) return fail("remote_forbidden", `${where} denied access (HTTP 403).`);
  if (/not found|returned error: 404/i.test(stderr)) return fail("remote_not_found", `${where} was not found or is not accessible.`);
  if (/returned error: 30\d|redirect/i.test(stderr)) return fail("remote_redirected", `${where} answered with a redirect, which Ferry does not follow.`);
  if (/could not resolve host|failed to connect|connection refused|timed out|operation too slow|ssl|tls|couldn't connect/i.test(stderr)) {
    return fail("remote_unreachable", `${where} could not be reached.`);
  }
  return fail("fetch_failed", `Fetching from ${where} failed: ${error.message}`);
}

function pinConfig(checked: CheckedRemote): [string, string][] {
  if (!checked.addresses) return [];
  const host = checked.url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = checked.url.port || (checked.url.protocol === "https:" ? "443" : "80");
  const addresses = checked.addresses.map((entry) => (entry.family === 6 ? `[${entry.address}]` : entry.address));
  return [["http.curloptResolve", `${host}:${port}:${addresses.join(",")}`]];
}

/**
 * Runs `git fetch` with the remote's credentials; on an authentication failure asks the provider
 * again (the token may have been refreshed meanwhile) and retries once.
 */
async function fetchWithCredentials(
  repoPath: string,
  checked: CheckedRemote,
  fetchArgs: readonly string[],
  refspecs: readonly string[],
  options: FetchOptions,
): Promise<number> {
  const remote = checked.url.href;
  const config: GitConfigEntries = [
    ...pinConfig(checked),
    // Fail a transfer that makes no progress for 10 minutes.
    ["http.lowSpeedLimit", "1"],
    ["http.lowSpeedTime", "600"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ];
  let attempts = 0;
  let refused: GitCredentials | undefined;
  for (;;) {
    attempts++;
    let credentials: GitCredentials | undefined;
    if (options.credentials) credentials = await options.credentials(refused);
    try {
      await runGit(["fetch", ...fetchArgs, "--", remote, ...refspecs], {
        ...gitDir(repoPath),
        config,
        credentials: credentials ? { ...credentials, url: remote } : undefined,
        timeoutMs: options.timeoutMs ?? 2 * 3600_000,
        signal: options.signal,
      });
      return attempts;
    } catch (error) {
      if (attempts === 1 && options.credentials && isGitError(error) && !error.reason && AUTH_FAILURE.test(error.stderr)) {
        refused = credentials;
        continue;
      }
      throw error;
    }
  }
}

function diffRefs(before: RefMap, after: RefMap): string[] {
  const changed = new Set<string>();
  for (const [ref, sha] of after) if (before.get(ref) !== sha) changed.add(ref);
  for (const ref of before.keys()) if (!after.has(ref)) changed.add(ref);
  return [...changed].sort();
}

/**
 * Mirrors branches and tags of `remoteUrl` into the bare repository at `repoPath` (created if
 * missing). Idempotent: a second run changes nothing; an interrupted run is recovered by running
 * it again (stale locks and temporary packs are removed, ref updates are atomic).
 * Works for wiki remotes (`…/<repo>.git/wiki`) too.
 */
export async function fetchRepository(options: FetchRepositoryOptions): Promise<FetchRepositoryResult> {
  const refspecs = (options.refspecs ?? MIRROR_REFSPECS).map(checkRefspec);
  if (refspecs.length === 0) throw new AppError("invalid_refspec", "At least one refspec is required");
  const checked = await checkRemote(options.remoteUrl, options.remoteCheck);
  const repoPath = path.resolve(options.repoPath);
  return withRepositoryLock(repoPath, async () => {
    await ensureBareRepository(repoPath);
    const before = await readRefs(repoPath);
    const args = ["--atomic", "--no-tags", "--no-write-fetch-head", "--no-auto-maintenance", "--progress"];
    if (options.prune ?? true) args.push("--prune");
    let attempts: number;
    try {
      attempts = await fetchWithCredentials(repoPath, checked, args, refspecs, options);
    } catch (error) {
      throw classifyFetchError(error, checked.url);
    }
    const after = await readRefs(repoPath);
    const updatedRefs = diffRefs(before, after);
    const count = (prefix: string) => [...after.keys()].filter((ref) => ref.startsWith(prefix)).length;
    return { changed: updatedRefs.length > 0, updatedRefs, branches: count("refs/heads/"), tags: count("refs/tags/"), attempts };
  });
}

export interface RefMapping {
  /** A remote ref (`refs/heads/feature`), a branch name (`feature`) or a full commit SHA. */
  src: string;
  /** Local ref, e.g. `refs/merge-requests/12/head`. */
  dst: string;
}

function normalizeSource(src: string): string {
  if (FULL_SHA.test(src)) return src;
  if (src.startsWith("refs/") && isValidRefName(src)) return src;
  if (isValidBranchName(src)) return `refs/heads/${src}`;
  throw new AppError("invalid_ref", `Invalid source ref '${src.slice(0, 200)}'`);
}

/**
 * Fetches single refs (e.g. a fork's branch) into local refs such as
 * `refs/merge-requests/<iid>/head`. Sources the remote does not have are skipped: their result is
 * null. Returns the SHA each destination points to afterwards.
 */
export async function fetchRefs(
  repoPath: string,
  remoteUrl: string,
  credentials: CredentialsProvider | undefined,
  mappings: readonly RefMapping[],
  options: Omit<FetchOptions, "credentials"> = {},
): Promise<Record<string, string | null>> {
  const specs = mappings.map(({ src, dst }) => {
    if (!dst.startsWith("refs/") || !isValidRefName(dst)) throw new AppError("invalid_ref", `Invalid destination ref '${dst.slice(0, 200)}'`);
    return { src: normalizeSource(src), dst };
  });
  const checked = await checkRemote(remoteUrl, options.remoteCheck);
  const absolute = path.resolve(repoPath);
  return withRepositoryLock(absolute, async () => {
    await ensureBareRepository(absolute);
    const result: Record<string, string | null> = Object.fromEntries(specs.map(({ dst }) => [dst, null]));
    let pending = specs;
    while (pending.length > 0) {
      try {
        await fetchWithCredentials(
          absolute,
          checked,
          ["--no-tags", "--no-write-fetch-head", "--no-auto-maintenance"],
          pending.map(({ src, dst }) => `+${src}:${dst}`),
          { ...options, credentials },
        );
        break;
      } catch (error) {
        // "fatal: couldn't find remote ref refs/heads/gone": drop that one and fetch the rest.
        const missing = isGitError(error) ? /couldn't find remote ref (\S+)/i.exec(error.stderr)?.[1] : undefined;
        const remaining = missing ? pending.filter(({ src }) => src !== missing) : pending;
        if (!missing || remaining.length === pending.length) throw classifyFetchError(error, checked.url);
        pending = remaining;
      }
    }
    const refs = await readRefs(absolute);
    for (const { dst } of pending) result[dst] = refs.get(dst) ?? null;
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface BranchInfo {
  name: string;
  sha: string;
}

export interface TagInfo {
  name: string;
  /** The object the tag finally points to (the commit for an annotated tag). */
  target: string;
  annotated: boolean;
}

export async function listBranches(repoPath: string): Promise<BranchInfo[]> {
  const { stdout } = await runGit(["for-each-ref", "--format=%(objectname)%09%(refname)", "refs/heads/"], gitDir(repoPath));
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, ref] = line.split("\t") as [string, string];
      return { name: ref.slice("refs/heads/".length), sha };
    });
}

export async function listTags(repoPath: string): Promise<TagInfo[]> {
  const { stdout } = await runGit(
    ["for-each-ref", "--format=%(objectname)%09%(objecttype)%09%(*objectname)%09%(refname)", "refs/tags/"],
    gitDir(repoPath),
  );
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, type, peeled, ref] = line.split("\t") as [string, string, string, string];
      const annotated = type === "tag";
      return { name: ref.slice("refs/tags/".length), target: annotated && peeled ? peeled : sha, annotated };
    });
}

/**
 * Points HEAD at `branch` if it exists; otherwise at main, master or the first branch.
 * Returns the branch chosen, or null when the repository has no branches.
 */
export async function setDefaultBranch(repoPath: string, branch: string | null | undefined): Promise<string | null> {
  const absolute = path.resolve(repoPath);
  return withRepositoryLock(absolute, async () => {
    const names = (await listBranches(absolute)).map((entry) => entry.name);
    const requested = branch && isValidBranchName(branch) && names.includes(branch) ? branch : null;
    const chosen = requested ?? ["main", "master"].find((name) => names.includes(name)) ?? names[0] ?? null;
    if (chosen === null) return null;
    await runGit(["symbolic-ref", "--", "HEAD", `refs/heads/${chosen}`], gitDir(absolute));
    return chosen;
  });
}

/** The branch HEAD points to, or null. */
export async function defaultBranch(repoPath: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(["symbolic-ref", "--quiet", "HEAD"], { ...gitDir(repoPath), allowExitCodes: [1] });
  const ref = stdout.trim();
  return exitCode === 0 && ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null;
}

/**
 * Expands a (short) commit SHA, e.g. the 12-character hashes of Bitbucket's pull request API,
 * to the full SHA of a commit in the repository; null if there is none (or it is ambiguous).
 */
export async function resolveCommit(repoPath: string, shortOrFullSha: string): Promise<string | null> {
  const sha = typeof shortOrFullSha === "string" ? shortOrFullSha.trim().toLowerCase() : "";
  if (!SHA_PREFIX.test(sha)) return null;
  const { stdout, exitCode } = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${sha}^{commit}`], {
    ...gitDir(repoPath),
    allowExitCodes: [1, 128],
  });
  const resolved = stdout.trim();
  if (exitCode === 0 && FULL_SHA.test(resolved)) return resolved;
  if (FULL_SHA.test(sha)) return null;
  // Ambiguous among all objects: keep the candidates that are commits.
  const candidates = await runGit(["rev-parse", `--disambiguate=${sha}`], { ...gitDir(repoPath), allowExitCodes: [1, 128] });
  const shas = candidates.stdout.split("\n").filter((line) => FULL_SHA.test(line));
  if (shas.length === 0) return null;
  const types = await runGit(["cat-file", "--batch-check=%(objectname) %(objecttype)"], { ...gitDir(repoPath), input: `${shas.join("\n")}\n` });
  const commits = types.stdout
    .split("\n")
    .map((line) => line.split(" "))
    .filter(([, type]) => type === "commit")
    .map(([name]) => name!);
  return commits.length === 1 ? commits[0]! : null;
}

export async function commitExists(repoPath: string, sha: string): Promise<boolean> {
  return (await resolveCommit(repoPath, sha)) !== null;
}

/**
 * Number of commits reachable from `rev` (a full ref name, branch name or SHA), or from all refs
 * when `rev` is omitted.
 */
export async function countCommits(repoPath: string, rev?: string): Promise<number> {
  let target: string;
  if (rev === undefined) target = "--all";
  else if (SHA_PREFIX.test(rev) || (rev.startsWith("refs/") && isValidRefName(rev))) target = rev;
  else if (isValidBranchName(rev)) target = `refs/heads/${rev}`;
  else throw new AppError("invalid_ref", `Invalid revision '${rev.slice(0, 200)}'`);
  const args = target === "--all" ? ["rev-list", "--count", "--all"] : ["rev-list", "--count", "--end-of-options", target];
  try {
    const { stdout } = await runGit(args, gitDir(repoPath));
    return Number.parseInt(stdout.trim(), 10) || 0;
  } catch (error) {
    if (error instanceof GitError && /unknown revision|bad revision|ambiguous argument/i.test(error.stderr)) return 0;
    throw error;
  }
}

/** Whether `filePath` exists (as a file or directory) in the tree of commit `sha` (full or short). */
export async function pathExists(repoPath: string, sha: string, filePath: string): Promise<boolean> {
  const commit = await resolveCommit(repoPath, sha);
  const cleaned = filePath.replace(/^\/+/, "");
  if (!commit || !cleaned || /[\0\n]/.test(cleaned)) return false;
  const { exitCode } = await runGit(["cat-file", "-e", `${commit}:${cleaned}`], { ...gitDir(repoPath), allowExitCodes: [1, 128] });
  return exitCode === 0;
}
