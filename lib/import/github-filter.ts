import type { PickerRepository } from "./listing-stream";

/**
 * Which GitHub repositories the picker shows: a case-insensitive part of "owner/name", and the
 * "show" choice (owned, collaborated, or one organisation's as `org:<login>`). Client-safe: the
 * picker applies it in the browser to the listing it holds, Import all on the server to the same
 * listing, so both agree.
 */
export const GITHUB_SHOW_PARAM = "show";

export function matchesGithubRepository(repository: Pick<PickerRepository, "fullName" | "workspace" | "relation">, filter: string, params: Record<string, string>): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle && !repository.fullName.toLowerCase().includes(needle)) return false;
  const show = params[GITHUB_SHOW_PARAM] ?? "";
  if (!show) return true;
  if (show.startsWith("org:")) return repository.relation === "organization" && repository.workspace.toLowerCase() === show.slice(4).toLowerCase();
  return repository.relation === show;
}
