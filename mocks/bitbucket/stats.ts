/**
 * Request counters by route template and status, for benchmarks: cheap at any volume (one map
 * increment per request), unlike reading the request log. Served by GET /_sandbox/stats.
 */

const TEMPLATES: readonly [RegExp, string][] = [
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/pullrequests\/[^/]+\/comments\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/pullrequests\/[^/]+\/([a-z_-]+)$/, "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/$1"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/pullrequests\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/issues\/[^/]+\/comments\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}/issues/{issue_id}/comments/{comment_id}"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/issues\/[^/]+\/([a-z_-]+)$/, "/2.0/repositories/{workspace}/{repo_slug}/issues/{issue_id}/$1"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/issues\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}/issues/{issue_id}"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/(milestones|components|versions)\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}/$1/{id}"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+\/([a-z_-]+)$/, "/2.0/repositories/{workspace}/{repo_slug}/$1"],
  [/^\/2\.0\/repositories\/[^/]+\/[^/]+$/, "/2.0/repositories/{workspace}/{repo_slug}"],
  [/^\/2\.0\/repositories\/[^/]+$/, "/2.0/repositories/{workspace}"],
  [/^\/2\.0\/workspaces\/[^/]+\/members\/[^/]+$/, "/2.0/workspaces/{workspace}/members/{member}"],
  [/^\/2\.0\/workspaces\/[^/]+\/projects\/[^/]+$/, "/2.0/workspaces/{workspace}/projects/{project_key}"],
  [/^\/2\.0\/workspaces\/[^/]+\/([a-z_-]+)$/, "/2.0/workspaces/{workspace}/$1"],
  [/^\/2\.0\/workspaces\/[^/]+$/, "/2.0/workspaces/{workspace}"],
  [/^\/2\.0\/users\/[^/]+$/, "/2.0/users/{selected_user}"],
  [/^\/2\.0\/user\/emails\/[^/]+$/, "/2.0/user/emails/{email}"],
  [/^\/[^/]+\/[^/]+?(?:\.git)?\/wiki(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/, "/{workspace}/{repo_slug}.git/wiki$1"],
  [/^\/[^/]+\/[^/]+?(?:\.git)?\/info\/lfs\/objects\/batch$/, "/{workspace}/{repo_slug}.git/info/lfs/objects/batch"],
  [/^\/[^/]+\/[^/]+?(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/, "/{workspace}/{repo_slug}.git$1"],
  [/^\/_lfs\/[^/]+\/[^/]+\/[^/]+$/, "/_lfs/{workspace}/{repo_slug}/{oid}"],
];

/** The route template of a path: ids and names replaced by {placeholders}. */
export function routeTemplate(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  for (const [pattern, template] of TEMPLATES) {
    const match = pattern.exec(trimmed);
    if (match) return template.replace("$1", match[1] ?? "");
  }
  if (trimmed.startsWith("/2.0/") || trimmed.startsWith("/site/")) return trimmed;
  return "(other)";
}

export interface RequestStatsSnapshot {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** "METHOD template" -> {total, statuses}, sorted by count (highest first). */
  readonly routes: readonly { readonly route: string; readonly total: number; readonly statuses: Readonly<Record<string, number>> }[];
}

export class RequestStats {
  private total = 0;
  private readonly byStatus = new Map<number, number>();
  private readonly routes = new Map<string, { total: number; statuses: Map<number, number> }>();
  private readonly templateCache = new Map<string, string>();

  count(method: string, path: string, status: number): void {
    this.total++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    let template = this.templateCache.get(path);
    if (template === undefined) {
      template = routeTemplate(path);
      if (this.templateCache.size > 50_000) this.templateCache.clear();
      this.templateCache.set(path, template);
    }
    const key = `${method} ${template}`;
    let entry = this.routes.get(key);
    if (!entry) {
      entry = { total: 0, statuses: new Map() };
      this.routes.set(key, entry);
    }
    entry.total++;
    entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  }

  clear(): void {
    this.total = 0;
    this.byStatus.clear();
    this.routes.clear();
  }

  snapshot(): RequestStatsSnapshot {
    const statuses = (map: Map<number, number>) => Object.fromEntries([...map].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n]));
    return {
      total: this.total,
      byStatus: statuses(this.byStatus),
      routes: [...this.routes]
        .map(([route, entry]) => ({ route, total: entry.total, statuses: statuses(entry.statuses) }))
        .sort((a, b) => b.total - a.total || (a.route < b.route ? -1 : 1)),
    };
  }
}
