/**
 * Path rules shared by the UI and the API (GitLab's): letters, digits, "_", "-" and ".";
 * must not start or end with a special character, no consecutive special characters,
 * must not end in ".git" or ".atom".
 */
const SPECIAL = /[._-]/;
const ALLOWED = /^[A-Za-z0-9._-]+$/;
const RESERVED = new Set(["api", "import", "inbox", "sign-in", "sign-out", "settings", "admin", "profile", "_next", "assets", "users", "groups", "projects", "help", "explore", "dashboard", "-"]);

export type PathProblem =
  | "empty"
  | "too_long"
  | "invalid_characters"
  | "starts_or_ends_with_special"
  | "consecutive_special"
  | "reserved_suffix"
  | "reserved_name";

const MESSAGES: Record<PathProblem, string> = {
  empty: "can't be blank",
  too_long: "is too long (maximum is 255 characters)",
  invalid_characters: "can contain only letters, digits, '_', '-' and '.'",
  starts_or_ends_with_special: "must not start or end with a special character",
  consecutive_special: "must not contain consecutive special characters",
  reserved_suffix: "must not end in '.git' or '.atom'",
  reserved_name: "is a reserved name",
};

export function pathProblem(path: string, options: { topLevel?: boolean } = {}): PathProblem | null {
  if (path.length === 0) return "empty";
  if (path.length > 255) return "too_long";
  if (!ALLOWED.test(path)) return "invalid_characters";
  if (SPECIAL.test(path[0]!) || SPECIAL.test(path[path.length - 1]!)) return "starts_or_ends_with_special";
  if (/[._-]{2,}/.test(path)) return "consecutive_special";
  if (/\.(git|atom)$/i.test(path)) return "reserved_suffix";
  if (options.topLevel && isReservedTopLevelName(path)) return "reserved_name";
  return null;
}

/** Top-level names that belong to Ferry's own routes; no user or group can take them. */
export function isReservedTopLevelName(path: string): boolean {
  return RESERVED.has(path.toLowerCase());
}

export function pathProblemMessage(problem: PathProblem): string {
  return MESSAGES[problem];
}

/** Best-effort conversion of any name (a Bitbucket nickname, a repository name) into a valid path. */
export function toValidPath(candidate: string, fallback = "user"): string {
  const cleaned = candidate
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/[._-]{2,}/g, (run) => run[0]!)
    .replace(/^[._-]+|[._-]+$/g, "")
    .replace(/\.(git|atom)$/i, "")
    .slice(0, 200)
    .replace(/[._-]+$/g, "");
  return cleaned.length > 0 ? cleaned : fallback;
}

export function splitNamespacePath(target: string): string[] {
  return target.trim().replace(/^\/+|\/+$/g, "").split("/");
}

/** A user-facing problem with a namespace path ("acme/platform/tools"), or null when it is well formed. */
export function namespacePathProblem(target: string): string | null {
  const segments = splitNamespacePath(target);
  if (segments.length > 20) return "Namespace path is nested too deeply (at most 20 levels).";
  for (const [index, segment] of segments.entries()) {
    const problem = pathProblem(segment, { topLevel: index === 0 });
    if (problem) return segment === "" ? "Namespace path has an empty segment." : `Namespace path segment "${segment}" ${pathProblemMessage(problem)}.`;
  }
  return null;
}

/**
 * The project path a name asks for: a name made only of path characters is the path itself (and
 * must be valid as it is); any other name ("Rocket Launcher (copy)") is a display name whose path is
 * derived from it ("Rocket-Launcher-copy").
 */
export function projectPathFromName(name: string): string {
  const trimmed = name.trim();
  return /^[A-Za-z0-9._-]*$/.test(trimmed) ? trimmed : toValidPath(trimmed, "project");
}

/** A user-facing problem with a project path, or null. */
export function projectPathProblem(path: string): string | null {
  const problem = pathProblem(path);
  return problem ? `Project path ${pathProblemMessage(problem)}.` : null;
}
