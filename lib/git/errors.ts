/**
 * Errors raised by lib/git and the redaction every message goes through before it leaves.
 */

/** A failed git process. `stderr` and `message` are already redacted (no credentials). */
export class GitError extends Error {
  readonly code = "git_failed";
  /** Exit code, or null when the process was killed by a signal or did not start. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The git subcommand and arguments (redacted). */
  readonly args: readonly string[];
  /** Redacted, truncated standard error. */
  readonly stderr: string;
  /** Set when the process was stopped by a timeout or an abort signal. */
  readonly reason?: "timeout" | "aborted" | "output_limit";

  constructor(options: {
    args: readonly string[];
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    secrets?: readonly string[];
    reason?: "timeout" | "aborted" | "output_limit";
    cause?: unknown;
  }) {
    const secrets = options.secrets ?? [];
    const args = options.args.map((arg) => redact(arg, secrets));
    const stderr = redact(options.stderr, secrets);
    const what = `git ${args.slice(0, 3).join(" ")}${args.length > 3 ? " …" : ""}`;
    const how =
      options.reason === "timeout"
        ? "timed out"
        : options.reason === "aborted"
          ? "was aborted"
          : options.reason === "output_limit"
            ? "produced more output than allowed"
            : options.exitCode !== null
              ? `exited with ${options.exitCode}`
              : `was killed by ${options.signal ?? "a signal"}`;
    const detail = lastLines(stderr, 5);
    super(`${what} ${how}${detail ? `: ${detail}` : ""}`, { cause: options.cause });
    this.name = "GitError";
    this.exitCode = options.exitCode;
    this.signal = options.signal;
    this.args = args;
    this.stderr = stderr;
    this.reason = options.reason;
  }
}

export function isGitError(error: unknown): error is GitError {
  return error instanceof GitError;
}

function lastLines(text: string, count: number): string {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(-count).join(" | ");
}

/**
 * Removes credentials from text meant for logs or callers: the given secrets (also in their
 * base64 and URL-encoded forms), `user:password@` in URLs, and Authorization header values.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(Buffer.from(secret).toString("base64"));
  }
  // Longest first, so a secret that contains another one is removed whole.
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    result = result.split(variant).join("***");
  }
  result = result.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]*@/gi, "$1***@");
  result = result.replace(/(authorization\s*[:=]\s*)(basic|bearer|token)?\s*[^\s'"]+/gi, (_, prefix: string, scheme?: string) =>
    `${prefix}${scheme ? `${scheme} ` : ""}***`,
  );
  return result;
}

/** A URL for messages: without user info, query or fragment. */
export function displayUrl(url: string | URL): string {
  try {
    const parsed = typeof url === "string" ? new URL(url) : new URL(url.href);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.href;
  } catch {
    return redact(String(url)).slice(0, 200);
  }
}
