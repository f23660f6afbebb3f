/** Route templates of the Bitbucket sandbox's request counters (GET /_sandbox/stats). */
import { templateOf, type RouteTemplates } from "../common/request-log";

export type { RequestStatsSnapshot } from "../common/request-log";

const TEMPLATES: RouteTemplates = [
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
  return templateOf(TEMPLATES, ["/2.0/", "/site/"], path);
}
