import { itemsWithOutcome, type GistsImportRun, type SnippetRow } from "@/lib/snippets";
import { isoDate, serializeUser, webUrl } from "./users";

function snippetApiUrl(id: number, ...rest: string[]): string {
  return webUrl("api", "v4", "snippets", String(id), ...rest);
}

/** GitLab's PersonalSnippet; `raw_url`s point at the API's raw endpoints. */
export function serializeSnippet(snippet: SnippetRow) {
  const ref = snippet.defaultBranch ?? "main";
  return {
    id: snippet.id,
    title: snippet.title,
    description: snippet.description,
    visibility: snippet.visibility,
    author: serializeUser(snippet.author),
    file_name: snippet.files[0]?.path ?? null,
    files: snippet.files.map((file) => ({ path: file.path, raw_url: snippetApiUrl(snippet.id, "files", encodeURIComponent(ref), encodeURIComponent(file.path), "raw") })),
    created_at: isoDate(snippet.createdAt),
    updated_at: isoDate(snippet.updatedAt),
    project_id: null,
    web_url: webUrl("snippets", String(snippet.id)),
    raw_url: snippetApiUrl(snippet.id, "raw"),
    imported: snippet.importSource !== null,
    imported_from: snippet.importSource ?? "none",
  };
}

/** The last gists import: its status and what became of each gist. */
export function serializeGistsImport(run: GistsImportRun | null) {
  if (!run) return { status: "none", imported: [], skipped: [], failed: [] };
  return {
    id: run.id,
    status: run.status,
    github_login: run.githubLogin,
    error: run.error,
    created_at: isoDate(run.createdAt),
    started_at: isoDate(run.startedAt),
    finished_at: isoDate(run.finishedAt),
    imported: itemsWithOutcome(run, "imported").map((item) => ({ gist_id: item.gistId, title: item.title, snippet_id: item.snippetId, web_url: item.snippetId ? webUrl("snippets", String(item.snippetId)) : null })),
    skipped: itemsWithOutcome(run, "skipped").map((item) => ({ gist_id: item.gistId, title: item.title, reason: item.reason })),
    failed: itemsWithOutcome(run, "failed").map((item) => ({ gist_id: item.gistId, title: item.title, reason: item.reason })),
  };
}
