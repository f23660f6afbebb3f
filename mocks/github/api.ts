/**
 * The REST API: one request through authentication, latency and injected faults, the primary
 * rate limit, the route, then conditional requests (ETag / If-None-Match -> 304, not counted)
 * and the rate-limit headers; every request is logged with its final status.
 */
import { SandboxStateError } from "../common/state-error";
import { createHash } from "node:crypto";
import { ZodError } from "zod";
import type { ItemRecord, RepoSeed, RepositoryContent } from "./model";
import { permissionsOf, Serializer } from "./serialize";
import { GITHUB_ACCOUNT_LIST } from "./seed";
import { ANONYMOUS_RATE_LIMIT, type GithubAccount, type GithubState, type RateResource } from "./state";

const DOCS = "https://docs.github.com/rest";
const JSON_TYPE = "application/json; charset=utf-8";

export function githubJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

export function githubError(status: number, message: string, documentation = DOCS, headers: Record<string, string> = {}): Response {
  return githubJson({ message, documentation_url: documentation, status: String(status) }, status, headers);
}

export const BAD_CREDENTIALS = "Bad credentials";
export const SECONDARY_LIMIT_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";

export type Caller = { kind: "anonymous" } | { kind: "authenticated"; account: GithubAccount; token: string } | { kind: "rejected" };

/** `token X`, `Bearer X`, or Basic `<login>:<token>` (what git and some clients send). */
export function authenticate(state: GithubState, authorization: string | null): Caller {
  if (!authorization?.trim()) return { kind: "anonymous" };
  const scheme = /^(token|bearer)\s+(\S+)\s*$/i.exec(authorization);
  let token = scheme?.[2] ?? null;
  if (!token) {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      token = decoded.slice(decoded.indexOf(":") + 1);
    }
  }
  const account = token ? state.accountByToken(token) : null;
  return account && token ? { kind: "authenticated", account, token } : { kind: "rejected" };
}

export function callerLogin(caller: Caller): string | null {
  return caller.kind === "authenticated" ? caller.account.login : null;
}

interface Ctx {
  readonly state: GithubState;
  readonly ser: Serializer;
  readonly url: URL;
  readonly params: readonly string[];
  readonly viewer: GithubAccount | null;
  /** The request path below the API base, e.g. /repos/acme/rocket/issues. */
  readonly path: string;
}

class ApiError extends Error {
  constructor(
    readonly response: Response,
  ) {
    super("api error");
  }
}

const notFound = () => new ApiError(githubError(404, "Not Found"));

// --- pagination --------------------------------------------------------------------------------

function pageParams(ctx: Ctx): { perPage: number; page: number } {
  const perPageRaw = Number(ctx.url.searchParams.get("per_page") ?? "30");
  const pageRaw = Number(ctx.url.searchParams.get("page") ?? "1");
  const perPage = Number.isInteger(perPageRaw) && perPageRaw >= 1 ? Math.min(100, perPageRaw) : 30;
  const page = Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1;
  const maxPage = ctx.state.knobs.maxPage;
  if (maxPage > 0 && page > maxPage) throw new ApiError(githubError(422, "Pagination with the page parameter is not supported for large datasets, please use cursor based pagination (after/before)"));
  return { perPage, page };
}

function pageLink(ctx: Ctx, page: number, rel: string): string {
  const url = new URL(`${ctx.ser.api}${ctx.path}`);
  for (const [key, value] of ctx.url.searchParams) if (key !== "page") url.searchParams.append(key, value);
  url.searchParams.set("page", String(page));
  return `<${url.toString()}>; rel="${rel}"`;
}

/** One page of `list` with GitHub's Link header (prev, next, last, first). */
function paginate<T>(ctx: Ctx, list: readonly T[], serialize: (item: T) => unknown, wrap?: (items: unknown[]) => unknown): Response {
  const { perPage, page } = pageParams(ctx);
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const items = list.slice((page - 1) * perPage, page * perPage).map(serialize);
  const links: string[] = [];
  if (page > 1) links.push(pageLink(ctx, Math.min(page - 1, last), "prev"));
  if (page < last) links.push(pageLink(ctx, page + 1, "next"), pageLink(ctx, last, "last"));
  if (page > 1) links.push(pageLink(ctx, 1, "first"));
  return githubJson(wrap ? wrap(items) : items, 200, links.length > 0 ? { Link: links.join(", ") } : {});
}

function sorted<T>(list: readonly T[], key: (item: T) => string | number, direction: "asc" | "desc"): T[] {
  const out = [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return direction === "desc" ? out.reverse() : out;
}

function direction(ctx: Ctx, fallback: "asc" | "desc"): "asc" | "desc" {
  const value = ctx.url.searchParams.get("direction");
  return value === "asc" || value === "desc" ? value : fallback;
}

function since(ctx: Ctx): string | null {
  const value = ctx.url.searchParams.get("since");
  if (value === null) return null;
  if (Number.isNaN(Date.parse(value))) throw new ApiError(githubError(422, "Validation Failed"));
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// --- repository helpers -------------------------------------------------------------------------

function readable(ctx: Ctx, repo: RepoSeed | undefined): RepoSeed {
  if (!repo || !ctx.state.canRead(ctx.viewer, repo)) throw notFound();
  return repo;
}

function repoOf(ctx: Ctx): { repo: RepoSeed; content: RepositoryContent } {
  const repo = readable(ctx, ctx.state.repository(ctx.params[0]!, ctx.params[1]!));
  return { repo, content: ctx.state.content(repo) };
}

function itemOf(content: RepositoryContent, raw: string): ItemRecord {
  const item = content.items[Number(raw) - 1];
  if (!item) throw notFound();
  return item;
}

function requirePermission(ctx: Ctx, repo: RepoSeed, atLeast: "write" | "admin", message: string): void {
  const permission = permissionsOf(ctx.state.permission(ctx.viewer, repo));
  if (!(atLeast === "admin" ? permission.admin : permission.push)) throw new ApiError(githubError(403, message));
}

function byState<T extends { state: string }>(ctx: Ctx, list: readonly T[]): T[] {
  const state = ctx.url.searchParams.get("state") ?? "open";
  return state === "all" ? [...list] : list.filter((item) => item.state === state);
}

function requireViewer(ctx: Ctx): GithubAccount {
  if (!ctx.viewer) throw new ApiError(githubError(401, "Requires authentication"));
  return ctx.viewer;
}

function visibleRepos(ctx: Ctx, filter: (repo: RepoSeed) => boolean): RepoSeed[] {
  return ctx.state.repositories.filter((repo) => filter(repo) && ctx.state.canRead(ctx.viewer, repo));
}

function repoListing(ctx: Ctx, repos: RepoSeed[], defaultSort: string): Response {
  const sort = ctx.url.searchParams.get("sort") ?? defaultSort;
  const key = (repo: RepoSeed) => (sort === "created" ? repo.created_at : sort === "updated" || sort === "pushed" ? repo.pushed_at : ctx.state.fullName(repo).toLowerCase());
  return paginate(ctx, sorted(repos, key, direction(ctx, sort === "full_name" ? "asc" : "desc")), (repo) => ctx.ser.repo(repo, ctx.viewer));
}

/**
 * Repository-wide listings, filtered and sorted once per content version and query: GitHub serves
 * each page from an index, so the sandbox must not spend the importer's CPU sorting the whole
 * list again for every page. Content changes replace the lists (never mutate them), so a list is
 * its own version.
 */
const listings = new WeakMap<readonly object[], Map<string, readonly object[]>>();

function listingOf<T extends object>(source: readonly T[], query: string, compute: () => T[]): T[] {
  let byQuery = listings.get(source);
  if (!byQuery) listings.set(source, (byQuery = new Map()));
  let list = byQuery.get(query);
  if (!list) byQuery.set(query, (list = compute()));
  return list as T[];
}

/** The listing's query parameters that decide which items it holds and in what order. */
function listingQuery(ctx: Ctx, what: string): string {
  return [what, ctx.url.searchParams.get("state"), since(ctx), ctx.url.searchParams.get("sort"), ctx.url.searchParams.get("direction")].join("|");
}

/** Items filtered and sorted like GitHub's issue and pull listings. */
function itemListing(ctx: Ctx, items: readonly ItemRecord[], what: "issues" | "pulls"): ItemRecord[] {
  return listingOf(items, listingQuery(ctx, what), () => {
    let list = byState(ctx, what === "pulls" ? items.filter((item) => item.pull) : items);
    const from = since(ctx);
    if (from) list = list.filter((item) => item.updated_at >= from);
    const sort = ctx.url.searchParams.get("sort") ?? "created";
    const key = (item: ItemRecord) => (sort === "updated" ? item.updated_at : sort === "comments" ? 0 : item.created_at) || item.number;
    return sorted(list, (item) => `${key(item)}:${String(item.number).padStart(8, "0")}`, direction(ctx, "desc"));
  });
}

function commentListing<T extends { created_at: string; updated_at: string; id: number }>(ctx: Ctx, list: readonly T[]): T[] {
  const from = since(ctx);
  const filtered = from ? list.filter((comment) => comment.updated_at >= from) : [...list];
  const sort = ctx.url.searchParams.get("sort");
  if (!sort) return filtered;
  return sorted(filtered, (comment) => `${sort === "updated" ? comment.updated_at : comment.created_at}:${String(comment.id).padStart(16, "0")}`, direction(ctx, "asc"));
}

/** A repository-wide comment listing, computed once per content version and query. */
function repositoryCommentListing<T extends { created_at: string; updated_at: string; id: number }>(ctx: Ctx, list: readonly T[], what: string): T[] {
  return listingOf(list, listingQuery(ctx, what), () => commentListing(ctx, list));
}

function timeline(ctx: Ctx, repo: RepoSeed, content: RepositoryContent, item: ItemRecord): Response {
  const entries: { at: string; order: number; render: () => unknown }[] = [];
  for (const event of content.events) if (event.number === item.number) entries.push({ at: event.created_at, order: event.id, render: () => ctx.ser.event(repo, content, event) });
  for (const comment of content.issueComments) {
    if (comment.number === item.number) entries.push({ at: comment.created_at, order: comment.id, render: () => ({ ...ctx.ser.issueComment(repo, comment, item), event: "commented", actor: ctx.ser.user(comment.user) }) });
  }
  for (const review of content.reviews) {
    if (review.number === item.number) entries.push({ at: review.submitted_at, order: review.id, render: () => ({ ...ctx.ser.review(repo, review), event: "reviewed" }) });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return paginate(ctx, entries, (entry) => entry.render());
}

/** Events /issues/events serves (GitHub's repository-wide stream lacks these). */
const NOT_IN_ISSUE_EVENTS = new Set(["cross-referenced"]);

function searchRepositories(ctx: Ctx): Response {
  const q = (ctx.url.searchParams.get("q") ?? "").trim();
  if (!q) throw new ApiError(githubError(422, "Validation Failed"));
  const terms: string[] = [];
  const qualifiers: [string, string][] = [];
  for (const part of q.split(/\s+/)) {
    const colon = part.indexOf(":");
    if (colon > 0) qualifiers.push([part.slice(0, colon).toLowerCase(), part.slice(colon + 1).toLowerCase()]);
    else terms.push(part.toLowerCase());
  }
  const repos = visibleRepos(ctx, (repo) => {
    const name = ctx.state.fullName(repo).toLowerCase();
    const text = `${name} ${repo.description ?? ""}`.toLowerCase();
    return (
      terms.every((term) => text.includes(term)) &&
      qualifiers.every(([key, value]) =>
        key === "user" || key === "org" ? name.startsWith(`${value}/`) : key === "repo" ? name === value : key === "is" ? (value === "private") === repo.private : key === "in" || key === "fork" || key === "sort" || key === "archived",
      )
    );
  });
  return paginate(ctx, sorted(repos, (repo) => ctx.state.fullName(repo).toLowerCase(), "asc"), (repo) => ctx.ser.repo(repo, ctx.viewer), (items) => ({ total_count: repos.length, incomplete_results: false, items }));
}

type Route = readonly [RegExp, (ctx: Ctx) => Response];

const REPO = "/repos/([^/]+)/([^/]+)";

const ROUTES: readonly Route[] = [
  [/^\/user$/, (ctx) => githubJson(ctx.ser.fullUser(requireViewer(ctx)))],
  // Every account has a primary address; one without a public e-mail keeps it private here, as GitHub does.
  [/^\/user\/emails$/, (ctx) => {
    const viewer = requireViewer(ctx);
    return githubJson([{ email: viewer.email ?? `${viewer.login}@example.com`, primary: true, verified: true, visibility: viewer.email ? "public" : null }]);
  }],
  [
    /^\/user\/repos$/,
    (ctx) => {
      const viewer = requireViewer(ctx);
      const seedLogin = GITHUB_ACCOUNT_LIST.find((seed) => seed.id === viewer.id)?.login;
      const affiliation = (ctx.url.searchParams.get("affiliation") ?? "owner,collaborator,organization_member").split(",");
      const visibility = ctx.url.searchParams.get("visibility") ?? "all";
      const repos = visibleRepos(ctx, (repo) => {
        const org = ctx.state.org(repo.owner);
        const related =
          (affiliation.includes("owner") && repo.owner === seedLogin) ||
          (affiliation.includes("collaborator") && ctx.state.collaboratorsOf(repo).some((collaborator) => collaborator.login === seedLogin)) ||
          (affiliation.includes("organization_member") && org !== undefined && ctx.state.orgRole(org, viewer) !== null);
        return related && (visibility === "all" || (visibility === "private") === repo.private);
      });
      return repoListing(ctx, repos, "full_name");
    },
  ],
  [/^\/user\/orgs$/, (ctx) => paginate(ctx, ctx.state.orgs.filter((org) => ctx.state.orgRole(org, requireViewer(ctx)) !== null), (org) => ctx.ser.org(org))],
  [/^\/users\/([^/]+)$/, (ctx) => {
    const account = ctx.state.accountByLogin(ctx.params[0]!);
    if (!account) throw notFound();
    return githubJson(ctx.ser.fullUser(account));
  }],
  [/^\/users\/([^/]+)\/repos$/, (ctx) => repoListing(ctx, visibleRepos(ctx, (repo) => !repo.private && ctx.state.ownerLogin(repo).toLowerCase() === ctx.params[0]!.toLowerCase()), "full_name")],
  [/^\/users\/([^/]+)\/gists$/, (ctx) => paginate(ctx, ctx.state.gists.filter((gist) => gist.public && gist.owner === ctx.params[0]), (gist) => ctx.ser.gist(gist, false))],
  [/^\/orgs\/([^/]+)$/, (ctx) => {
    const org = ctx.state.org(ctx.params[0]!);
    if (!org) throw notFound();
    return githubJson({ ...ctx.ser.org(org), name: org.name, html_url: `${ctx.ser.web}/${org.login}`, type: "Organization", public_repos: ctx.state.repositories.filter((repo) => repo.owner === org.login && !repo.private).length });
  }],
  [/^\/orgs\/([^/]+)\/repos$/, (ctx) => {
    const org = ctx.state.org(ctx.params[0]!);
    if (!org) throw notFound();
    const type = ctx.url.searchParams.get("type") ?? "all";
    return repoListing(ctx, visibleRepos(ctx, (repo) => repo.owner === org.login && (type === "all" || type === "member" || (type === "private") === repo.private)), "created");
  }],
  [/^\/repositories\/(\d+)$/, (ctx) => githubJson(ctx.ser.repo(readable(ctx, ctx.state.repositoryById(Number(ctx.params[0]))), ctx.viewer))],
  [/^\/search\/repositories$/, searchRepositories],
  [/^\/gists$/, (ctx) => paginate(ctx, ctx.state.gists.filter((gist) => (ctx.viewer ? gist.owner === GITHUB_ACCOUNT_LIST.find((seed) => seed.id === ctx.viewer!.id)?.login : gist.public)), (gist) => ctx.ser.gist(gist, false))],
  [/^\/gists\/([0-9a-f]{32})$/, (ctx) => {
    const gist = ctx.state.gist(ctx.params[0]!);
    if (!gist) throw notFound();
    return githubJson(ctx.ser.gist(gist, true));
  }],
  [new RegExp(`^${REPO}$`), (ctx) => githubJson(ctx.ser.repo(repoOf(ctx).repo, ctx.viewer))],
  [new RegExp(`^${REPO}/labels$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, content.labels, (label) => ctx.ser.label(repo, label));
  }],
  [new RegExp(`^${REPO}/milestones$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const sort = ctx.url.searchParams.get("sort") ?? "due_on";
    const list = sorted(byState(ctx, content.milestones), (milestone) => (sort === "due_on" ? `${milestone.due_on ?? "9999"}:${milestone.number}` : milestone.number), direction(ctx, "asc"));
    return paginate(ctx, list, (milestone) => ctx.ser.milestone(repo, content, milestone));
  }],
  [new RegExp(`^${REPO}/releases$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, sorted(content.releases, (release) => release.created_at, "desc"), (release) => ctx.ser.release(repo, release));
  }],
  [new RegExp(`^${REPO}/issues$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, itemListing(ctx, content.items, "issues"), (item) => ctx.ser.issue(repo, content, item));
  }],
  [new RegExp(`^${REPO}/issues/comments$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, repositoryCommentListing(ctx, content.issueComments, "issue comments"), (comment) => ctx.ser.issueComment(repo, comment, content.items[comment.number - 1]));
  }],
  [new RegExp(`^${REPO}/issues/events$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const events = listingOf(content.events, "issue events", () =>
      sorted(content.events.filter((event) => !NOT_IN_ISSUE_EVENTS.has(event.event)), (event) => `${event.created_at}:${String(event.id).padStart(16, "0")}`, "desc"),
    );
    return paginate(ctx, events, (event) => ctx.ser.event(repo, content, event, true));
  }],
  [new RegExp(`^${REPO}/issues/(\\d+)$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return githubJson(ctx.ser.issue(repo, content, itemOf(content, ctx.params[2]!), true));
  }],
  [new RegExp(`^${REPO}/issues/(\\d+)/comments$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const item = itemOf(content, ctx.params[2]!);
    return paginate(ctx, commentListing(ctx, content.issueComments.filter((comment) => comment.number === item.number)), (comment) => ctx.ser.issueComment(repo, comment, item));
  }],
  [new RegExp(`^${REPO}/issues/(\\d+)/events$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const item = itemOf(content, ctx.params[2]!);
    return paginate(ctx, content.events.filter((event) => event.number === item.number && !NOT_IN_ISSUE_EVENTS.has(event.event)), (event) => ctx.ser.event(repo, content, event));
  }],
  [new RegExp(`^${REPO}/issues/(\\d+)/timeline$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return timeline(ctx, repo, content, itemOf(content, ctx.params[2]!));
  }],
  [new RegExp(`^${REPO}/pulls$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, itemListing(ctx, content.items, "pulls"), (item) => ctx.ser.pull(repo, content, item));
  }],
  [new RegExp(`^${REPO}/pulls/comments$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    return paginate(ctx, repositoryCommentListing(ctx, content.reviewComments, "review comments"), (comment) => ctx.ser.reviewComment(repo, comment));
  }],
  [new RegExp(`^${REPO}/pulls/(\\d+)$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const item = itemOf(content, ctx.params[2]!);
    if (!item.pull) throw notFound();
    return githubJson(ctx.ser.pull(repo, content, item, true));
  }],
  [new RegExp(`^${REPO}/pulls/(\\d+)/reviews$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const item = itemOf(content, ctx.params[2]!);
    if (!item.pull) throw notFound();
    return paginate(ctx, content.reviews.filter((review) => review.number === item.number), (review) => ctx.ser.review(repo, review));
  }],
  [new RegExp(`^${REPO}/pulls/(\\d+)/comments$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const item = itemOf(content, ctx.params[2]!);
    if (!item.pull) throw notFound();
    return paginate(ctx, commentListing(ctx, content.reviewComments.filter((comment) => comment.number === item.number)), (comment) => ctx.ser.reviewComment(repo, comment));
  }],
  // Contributors are the authors of the repository's pull requests (whose commits it holds), most contributions first.
  [new RegExp(`^${REPO}/contributors$`), (ctx) => {
    const { content } = repoOf(ctx);
    const counts = new Map<number, number>();
    for (const item of content.items) if (item.pull) counts.set(item.user, (counts.get(item.user) ?? 0) + 1);
    const ranked = [...counts].sort(([a, countA], [b, countB]) => countB - countA || a - b);
    return paginate(ctx, ranked, ([id, contributions]) => ({ ...ctx.ser.user(id), contributions }));
  }],
  [new RegExp(`^${REPO}/collaborators$`), (ctx) => {
    const { repo } = repoOf(ctx);
    requirePermission(ctx, repo, "write", "Must have push access to view repository collaborators.");
    const affiliation = ctx.url.searchParams.get("affiliation") ?? "all";
    const direct = new Set(ctx.state.collaboratorsOf(repo).map((collaborator) => collaborator.login));
    const members = ctx.state.accounts
      .filter((account) => account.id !== 10137)
      .map((account) => ({ account, permission: ctx.state.permission(account, repo), seed: GITHUB_ACCOUNT_LIST.find((seed) => seed.id === account.id)! }))
      .filter(({ permission, seed }) => permission !== null && (affiliation === "all" || (affiliation === "direct" ? direct.has(seed.login) || seed.login === repo.owner : direct.has(seed.login) && !ctx.state.org(repo.owner))));
    return paginate(ctx, members, ({ account, permission }) => ctx.ser.collaborator(repo, account, permission!));
  }],
  [new RegExp(`^${REPO}/branches$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const onlyProtected = ctx.url.searchParams.get("protected");
    const names = Object.keys(content.git.branches)
      .sort()
      .filter((name) => onlyProtected === null || (onlyProtected === "true") === (content.protections[name] !== undefined));
    return paginate(ctx, names, (name) => ctx.ser.branch(repo, name, content.git.sha(content.git.branches[name]!), content.protections[name]));
  }],
  [new RegExp(`^${REPO}/branches/(.+)/protection$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    requirePermission(ctx, repo, "admin", "Must have admin rights to Repository.");
    const name = ctx.params[2]!;
    if (content.git.branches[name] === undefined) throw new ApiError(githubError(404, "Branch not found"));
    const protection = content.protections[name];
    if (!protection) throw new ApiError(githubError(404, "Branch not protected"));
    return githubJson(ctx.ser.protection(repo, name, protection));
  }],
  [new RegExp(`^${REPO}/branches/(.+)$`), (ctx) => {
    const { repo, content } = repoOf(ctx);
    const name = ctx.params[2]!;
    const mark = content.git.branches[name];
    if (mark === undefined) throw new ApiError(githubError(404, "Branch not found"));
    return githubJson(ctx.ser.branch(repo, name, content.git.sha(mark), content.protections[name]));
  }],
];

function route(ctx: Omit<Ctx, "params">): Response {
  for (const [pattern, handle] of ROUTES) {
    const match = pattern.exec(ctx.path);
    if (match) return handle({ ...ctx, params: match.slice(1).map((part) => decodeURIComponent(part)) });
  }
  throw notFound();
}

function rateHeaders(limit: number, used: number, resetAt: number, resource: RateResource): Record<string, string> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - used)),
    "x-ratelimit-reset": String(resetAt),
    "x-ratelimit-used": String(used),
    "x-ratelimit-resource": resource,
  };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, { status: response.status, headers: merged });
}

let requestCounter = 0;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ApiBases {
  readonly api: string;
  readonly web: string;
}

/** One API request; `path` is below the API base (the /api/v3 prefix already removed). */
export async function handleApiRequest(state: GithubState, request: Request, path: string, bases: ApiBases): Promise<Response> {
  const url = new URL(request.url);
  const caller = authenticate(state, request.headers.get("authorization"));
  const requestId = `5A4D:${(++requestCounter).toString(16).toUpperCase().padStart(6, "0")}:SANDBOX`;
  const common: Record<string, string> = { "x-github-request-id": requestId, "x-github-api-version-selected": "2022-11-28", "x-github-media-type": "github.v3; format=json" };
  if (caller.kind === "authenticated") common["x-oauth-scopes"] = "repo, read:org, gist, read:user";
  state.inFlight++;
  let response: Response;
  try {
    response = await respond(state, request, path, bases, caller, requestId);
  } finally {
    state.inFlight--;
  }
  response = withHeaders(response, common);
  state.logRequest(request.method, url, response.status, callerLogin(caller));
  return response;
}

async function respond(state: GithubState, request: Request, path: string, bases: ApiBases, caller: Caller, requestId: string): Promise<Response> {
  const resource: RateResource = path.startsWith("/search/") ? "search" : "core";
  const key = caller.kind === "authenticated" ? `user:${caller.account.id}` : "ip:127.0.0.1";
  const limit = resource === "search" ? state.knobs.searchRateLimitLimit : caller.kind === "authenticated" ? state.knobs.rateLimitLimit : ANONYMOUS_RATE_LIMIT;
  const bucket = state.bucket(key, resource);
  const headers = () => rateHeaders(limit, bucket.used, bucket.resetAt, resource);
  if (caller.kind === "rejected") return githubError(401, BAD_CREDENTIALS, DOCS, headers());
  if (state.knobs.latencyMs > 0) await sleep(state.knobs.latencyMs);
  if (path === "/rate_limit") {
    const rate = { limit, used: bucket.used, remaining: Math.max(0, limit - bucket.used), reset: bucket.resetAt };
    return githubJson({ resources: { core: rate, search: { ...rate, limit: state.knobs.searchRateLimitLimit } }, rate }, 200, headers());
  }
  const fault = state.nextFault();
  const overConcurrency = state.knobs.maxConcurrentRequests > 0 && state.inFlight > state.knobs.maxConcurrentRequests;
  if (fault === "secondary" || overConcurrency) {
    return githubError(state.knobs.secondaryRateLimitStatus, `${SECONDARY_LIMIT_MESSAGE} ${requestId}.`, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", {
      ...headers(),
      "retry-after": String(state.knobs.retryAfterSeconds),
    });
  }
  if (fault === "5xx") return githubJson({ message: "Server Error" }, requestCounter % 2 === 0 ? 502 : 500, headers());
  if (bucket.used >= limit) {
    const who = caller.kind === "authenticated" ? `user ID ${caller.account.id}` : "127.0.0.1";
    return githubError(403, `API rate limit exceeded for ${who}.`, "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting", headers());
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    bucket.used++;
    return githubError(request.method === "POST" || request.method === "PATCH" || request.method === "PUT" || request.method === "DELETE" ? 403 : 405, "The GitHub sandbox is read-only.", DOCS, headers());
  }
  const viewer = caller.kind === "authenticated" ? caller.account : null;
  let response: Response;
  try {
    response = route({ state, ser: new Serializer(state, bases.api, bases.web), url: new URL(request.url), viewer, path });
  } catch (error) {
    if (error instanceof ApiError) response = error.response;
    else if (error instanceof SandboxStateError) response = githubError(error.status, error.message);
    else if (error instanceof ZodError) response = githubError(422, "Validation Failed");
    else throw error;
  }
  if (response.status === 200) {
    const body = await response.text();
    const etag = `W/"${createHash("sha256").update(`${viewer?.id ?? 0}:${body}`).digest("hex").slice(0, 40)}"`;
    const conditional = request.headers.get("if-none-match");
    if (conditional && conditional.split(",").some((tag) => tag.trim() === etag || tag.trim() === etag.slice(2))) {
      // Conditional requests answered 304 do not count against the primary limit.
      return new Response(null, { status: 304, headers: { ETag: etag, ...headers() } });
    }
    bucket.used++;
    const out = new Headers(response.headers);
    out.set("ETag", etag);
    out.set("Cache-Control", viewer ? "private, max-age=60, s-maxage=60" : "public, max-age=60, s-maxage=60");
    out.set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
    for (const [name, value] of Object.entries(headers())) out.set(name, value);
    return new Response(body, { status: 200, headers: out });
  }
  bucket.used++;
  return withHeaders(response, headers());
}
