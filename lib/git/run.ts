/**
 * The only way lib/git starts git: `spawn` with an argument array (never a shell), a clean
 * environment (no system or global configuration, no prompts, no askpass, no tracing), a set of
 * transport restrictions, credentials passed as configuration through the environment (never in
 * argv or URLs), and a timeout that kills the whole process group.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { devNull } from "node:os";
import type { Readable, Writable } from "node:stream";
import { GitError } from "./errors";

export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Called before each attempt: may return fresh credentials (a refreshed OAuth token). After the
 * remote refused credentials, it is called with them (`refused`), so it can refresh a token that
 * expired although it was believed valid.
 */
export type CredentialsProvider = (refused?: GitCredentials) => Promise<GitCredentials>;

export type GitConfigEntries = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

export interface SpawnGitOptions {
  cwd?: string;
  /** Extra environment. GIT_CONFIG_*, prompt, askpass and tracing variables are ignored. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Kill the process group after this many milliseconds; 0 = never. Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Sent as `Authorization: Basic …` through `http.<url>.extraHeader` in GIT_CONFIG_* variables.
   * `url` limits the header to requests below that URL (recommended).
   */
  credentials?: GitCredentials & { readonly url?: string };
  /** Extra configuration (not secret), also passed through the environment. */
  config?: GitConfigEntries;
  /** Give the process a writable stdin (spawnGit only; runGit uses `input`). */
  stdin?: boolean;
}

export interface RunGitOptions extends Omit<SpawnGitOptions, "stdin"> {
  input?: string | Buffer;
  /** Maximum bytes of standard output kept; more fails with a GitError. Default 32 MiB. */
  maxOutputBytes?: number;
  /** Exit codes that are not failures (e.g. 1 for `rev-parse --verify --quiet`). */
  allowExitCodes?: readonly number[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stdin: Writable | null;
  /** Settles when the process has exited and its output is closed; rejects with GitError on failure. */
  readonly done: Promise<{ exitCode: number; stderr: string }>;
  /** Ends the process group (SIGTERM, then SIGKILL). */
  kill(): void;
  /** Whether the process keeps Node running (default true); long-lived helpers turn it off while idle. */
  keepAlive(on: boolean): void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const STDERR_LIMIT = 64 * 1024;

/** Object flaws found in published histories (old tools, imports from other systems), harmless to serve. */
const LEGACY_FSCK_WARNINGS = ["badTimezone", "badDate", "badDateOverflow", "missingSpaceBeforeDate", "zeroPaddedDate", "missingEmail", "badEmail", "missingNameBeforeEmail", "zeroPaddedFilemode", "badFilemode"];

/** Configuration applied to every git process; callers cannot override it. */
const SAFETY_CONFIG: readonly (readonly [string, string])[] = [
  // Only http(s) transports: no file://, local paths, ssh, ext::, git://.
  ["protocol.allow", "never"],
  ["protocol.http.allow", "always"],
  ["protocol.https.allow", "always"],
  // A redirect could lead to a host that was never checked.
  ["http.followRedirects", "false"],
  // No credential helpers (an empty value resets the list) and no repository hooks.
  ["credential.helper", ""],
  ["core.hooksPath", devNull],
  // git ≥ 2.41 refuses credentials in URLs outright; older versions ignore the key.
  ["transfer.credentialsInUrl", "die"],
  ["core.fsmonitor", "false"],
  // Repositories are Ferry's alone: files 0600 and directories 0700, whatever the umask.
  ["core.sharedRepository", "0600"],
  // Objects received from remotes are checked (paths such as `.git`, malformed trees and commits).
  ["transfer.fsckObjects", "true"],
  // Flaws old tools left in real histories stay warnings, on fetch and in `git fsck` alike.
  ...LEGACY_FSCK_WARNINGS.flatMap((id) => [[`fetch.fsck.${id}`, "warn"] as const, [`fsck.${id}`, "warn"] as const]),
];

const FORBIDDEN_CONFIG = /^(protocol\.|credential\.|core\.hookspath$|core\.askpass$|core\.sshcommand$|http\.followredirects$|(http\..*\.)?extraheader$|http\.extraheader$)/i;
const PROTECTED_ENV = /^(GIT_CONFIG.*|GIT_TERMINAL_PROMPT|GIT_ASKPASS|SSH_ASKPASS|GIT_TRACE.*|GIT_CURL_VERBOSE|GIT_REDACT_COOKIES|GIT_SSH.*|GIT_ALLOW_PROTOCOL|GIT_PROTOCOL_FROM_USER)$/;

function configPairs(config: GitConfigEntries | undefined): (readonly [string, string])[] {
  if (!config) return [];
  return Array.isArray(config) ? [...(config as readonly (readonly [string, string])[])] : Object.entries(config as Record<string, string>);
}

/** Validates credentials for use in a header: no control characters, no empty username. */
export function basicAuthorization(credentials: GitCredentials): string {
  const { username, password } = credentials;
  if (!username || /[\x00-\x1f\x7f:]/.test(username) || /[\x00-\x1f\x7f]/.test(password)) {
    throw new Error("Invalid git credentials: the username must be non-empty without ':' or control characters, the password without control characters");
  }
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** The secrets in `credentials`, for redaction. */
export function credentialSecrets(credentials: GitCredentials | undefined): string[] {
  if (!credentials) return [];
  return [credentials.password, `${credentials.username}:${credentials.password}`, basicAuthorization(credentials).slice("Basic ".length)];
}

/** The environment of a git process (exported for tests). */
export function gitEnvironment(options: Pick<SpawnGitOptions, "env" | "credentials" | "config"> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: devNull,
    LANG: "C",
    LC_ALL: "C",
    // Large LFS repositories never need their content smudged by lib/git.
    GIT_LFS_SKIP_SMUDGE: "1",
    GIT_NO_REPLACE_OBJECTS: "1",
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined || PROTECTED_ENV.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: devNull,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    GIT_PROTOCOL_FROM_USER: "0",
  });

  const entries: (readonly [string, string])[] = [];
  for (const [key, value] of configPairs(options.config)) {
    if (FORBIDDEN_CONFIG.test(key)) throw new Error(`git configuration '${key}' cannot be set by callers`);
    if (/[\r\n\0]/.test(key) || /[\0]/.test(value)) throw new Error(`Invalid git configuration entry '${key.slice(0, 80)}'`);
    entries.push([key, value]);
  }
  entries.push(...SAFETY_CONFIG);
  if (options.credentials) {
    const header = basicAuthorization(options.credentials);
    const scope = options.credentials.url;
    if (scope !== undefined && /[\r\n\0]/.test(scope)) throw new Error("Invalid credential scope URL");
    // An empty value first clears any header configured elsewhere for this URL.
    const key = scope ? `http.${scope}.extraHeader` : "http.extraHeader";
    entries.push([key, ""], [key, `Authorization: ${header}`]);
  }
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Starts git and streams its standard output. Consume `stdout` and await `done`.
 * The process runs in its own process group, which a timeout or abort ends as a whole.
 */
export function spawnGit(args: readonly string[], options: SpawnGitOptions = {}): GitProcess {
  for (const arg of args) {
    if (typeof arg !== "string" || arg.includes("\0")) throw new Error("git arguments must be strings without NUL bytes");
  }
  const secrets = credentialSecrets(options.credentials);
  const env = gitEnvironment(options);
  const child: ChildProcess = spawn("git", [...args], {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"] as ["pipe" | "ignore", "pipe", "pipe"],
    detached: true,
    windowsHide: true,
  });

  let stderr = "";
  let stopReason: "timeout" | "aborted" | "output_limit" | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: "timeout" | "aborted" | "output_limit") => {
    if (stopReason || child.exitCode !== null || child.signalCode !== null) return;
    stopReason = reason;
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), 2_000);
    killTimer.unref();
  };

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = timeoutMs > 0 ? setTimeout(() => stop("timeout"), timeoutMs) : undefined;
  timer?.unref();
  const onAbort = () => stop("aborted");
  if (options.signal?.aborted) queueMicrotask(onAbort);
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
    if (stderr.length > STDERR_LIMIT) stderr = stderr.slice(-STDERR_LIMIT);
  });
  child.stdin?.on("error", () => {
    /* git may exit before reading all input; its exit status tells */
  });

  const done = new Promise<{ exitCode: number; stderr: string }>((resolve, reject) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, cause?: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (stopReason) {
        // Make sure nothing of the group survives (git-remote-http, index-pack, …).
        killGroup(child.pid, "SIGKILL");
        if (killTimer) clearTimeout(killTimer);
      }
      if (exitCode === 0 && !stopReason && !cause) resolve({ exitCode, stderr });
      else reject(new GitError({ args, exitCode, signal, stderr, secrets, reason: stopReason, cause }));
    };
    child.once("error", (error) => finish(null, null, error));
    child.once("close", (code, signal) => finish(code, signal));
  });
  (done as Promise<unknown>).catch(() => undefined);

  return {
    pid: child.pid,
    stdout: child.stdout!,
    stdin: child.stdin ?? null,
    done,
    kill: () => stop("aborted"),
    keepAlive: (on) => {
      if (on) child.ref();
      else child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        const handle = stream as { ref?: () => void; unref?: () => void } | null;
        if (on) handle?.ref?.();
        else handle?.unref?.();
      }
    },
  };
}

/** Runs git to completion and returns its output (capped). */
export async function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const { input, maxOutputBytes = 32 * 1024 * 1024, allowExitCodes = [], ...spawnOptions } = options;
  const child = spawnGit(args, { ...spawnOptions, stdin: input !== undefined });
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (overflow) return;
    size += chunk.length;
    if (size > maxOutputBytes) {
      overflow = true;
      chunks.length = 0;
      child.kill();
      return;
    }
    chunks.push(chunk);
  });
  if (child.stdin) child.stdin.end(input);
  try {
    const { stderr } = await child.done;
    if (overflow) throw outputLimitError(args, stderr, options);
    return { stdout: Buffer.concat(chunks).toString("utf8"), stderr, exitCode: 0 };
  } catch (error) {
    if (overflow) throw outputLimitError(args, error instanceof GitError ? error.stderr : "", options);
    if (error instanceof GitError && error.exitCode !== null && !error.reason && allowExitCodes.includes(error.exitCode)) {
      return { stdout: Buffer.concat(chunks).toString("utf8"), stderr: error.stderr, exitCode: error.exitCode };
    }
    throw error;
  }
}

function outputLimitError(args: readonly string[], stderr: string, options: RunGitOptions): GitError {
  return new GitError({ args, exitCode: null, signal: "SIGTERM", stderr, secrets: credentialSecrets(options.credentials), reason: "output_limit" });
}
