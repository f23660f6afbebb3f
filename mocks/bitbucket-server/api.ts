/**
 * REST 1.0 of the Bitbucket Server sandbox, under /rest/api/1.0: HTTP Basic (name + token or
 * password) and Bearer tokens, Bitbucket Server's error envelope, `start`/`limit` paging
 * (default 25, clamped to the `maxLimit` knob), and the fault knobs (latency, 429, 5xx).
 */
import type { Activity, ServerComment, ServerProject, ServerPullRequest, ServerRepository, ServerUser } from "./model";
import { commentCount } from "./model";
import type { BitbucketServerState } from "./state";

export const API_PREFIX = "/rest/api/1.0";
export const BAD_CREDENTIALS = "Authentication failed. Please check your credentials and try again.";

export function serverError(status: number, message: string, exceptionName = "com.atlassian.bitbucket.ServiceException", headers: Record<string, string> = {}): Response {
  return Response.json({ errors: [{ context: null, message, exceptionName }] }, { status, headers });
}

function page<T>(items: readonly T[], url: URL, maxLimit: number): Response {
  const start = Math.max(0, Number(url.searchParams.get("start") ?? 0) || 0);
  const limit = Math.min(maxLimit, Math.max(1, Number(url.searchParams.get("limit") ?? 25) || 25));
  const values = items.slice(start, start + limit);
  const isLastPage = start + values.length >= items.length;
  return Response.json({ size: values.length, limit, start, isLastPage, values, ...(isLastPage ? {} : { nextPageStart: start + values.length }) });
}

export class Serializer {
  constructor(
    private readonly state: BitbucketServerState,
    readonly baseUrl: string,
  ) {}

  user(name: string): Record<string, unknown> {
    const user = this.state.user(name);
    if (!user) return { name, slug: name, displayName: name, active: false, type: "NORMAL" };
    return { id: user.id, name: user.name, slug: user.name, displayName: user.displayName, emailAddress: user.emailAddress, active: user.active, type: "NORMAL", links: { self: [{ href: `${this.baseUrl}/users/${user.name}` }] } };
  }

  project(project: ServerProject): Record<string, unknown> {
    return { id: project.id, key: project.key, name: project.name, public: project.public, type: project.owner ? "PERSONAL" : "NORMAL", ...(project.owner ? { owner: this.user(project.owner) } : {}), links: { self: [{ href: `${this.baseUrl}/projects/${project.key}` }] } };
  }

  repository(repository: ServerRepository): Record<string, unknown> {
    const project = this.state.project(repository.projectKey)!;
    const scm = `${this.baseUrl}/scm/${repository.projectKey.toLowerCase()}/${repository.slug}.git`;
    const origin = repository.origin ? this.state.repository(...(repository.origin.split("/") as [string, string])) : undefined;
    return {
      id: repository.id, slug: repository.slug, name: repository.name, description: repository.description, public: repository.public, state: "AVAILABLE", scmId: "git", forkable: true,
      project: this.project(project),
      ...(origin ? { origin: this.repository(origin) } : {}),
      links: { clone: [{ href: scm, name: "http" }, { href: `ssh://git@localhost:7999/${repository.projectKey.toLowerCase()}/${repository.slug}.git`, name: "ssh" }], self: [{ href: `${this.baseUrl}/projects/${repository.projectKey}/repos/${repository.slug}/browse` }] },
    };
  }

  private ref(ref: ServerPullRequest["from"]): Record<string, unknown> {
    const [key, slug] = ref.repository.split("/") as [string, string];
    const repository = this.state.repository(key, slug);
    return { id: `refs/heads/${ref.branch}`, displayId: ref.branch, latestCommit: ref.commit, repository: repository ? this.repository(repository) : { slug, project: { key } } };
  }

  pullRequest(repository: ServerRepository, pullRequest: ServerPullRequest): Record<string, unknown> {
    const closed = pullRequest.state !== "OPEN";
    return {
      id: pullRequest.id, version: pullRequest.activities.length, title: pullRequest.title, description: pullRequest.description || undefined, state: pullRequest.state, open: !closed, closed, draft: pullRequest.draft,
      createdDate: pullRequest.createdAt, updatedDate: pullRequest.updatedAt, ...(closed ? { closedDate: pullRequest.updatedAt } : {}),
      fromRef: this.ref(pullRequest.from), toRef: this.ref(pullRequest.to), locked: false,
      author: { user: this.user(pullRequest.author), role: "AUTHOR", approved: false, status: "UNAPPROVED" },
      reviewers: pullRequest.reviewers.map((reviewer) => ({ user: this.user(reviewer.user), role: "REVIEWER", approved: reviewer.status === "APPROVED", status: reviewer.status })),
      participants: [],
      properties: { commentCount: commentCount(pullRequest), openTaskCount: 0, resolvedTaskCount: 0 },
      links: { self: [{ href: `${this.baseUrl}/projects/${repository.projectKey}/repos/${repository.slug}/pull-requests/${pullRequest.id}` }] },
    };
  }

  comment(comment: ServerComment): Record<string, unknown> {
    return {
      id: comment.id, version: 0, text: comment.text, author: this.user(comment.author), createdDate: comment.at, updatedDate: comment.at,
      comments: comment.replies.map((reply) => this.comment(reply)),
      tasks: comment.tasks.map((task) => ({ id: task.id, text: task.text, state: task.state, createdDate: comment.at, author: this.user(comment.author) })),
    };
  }

  activity(pullRequest: ServerPullRequest, activity: Activity): Record<string, unknown> {
    const common = { id: activity.id, createdDate: activity.at, user: this.user(activity.user), action: activity.action };
    switch (activity.action) {
      case "COMMENTED":
        return {
          ...common, commentAction: "ADDED", comment: this.comment(activity.comment),
          ...(activity.anchor ? { commentAnchor: { ...activity.anchor, orphaned: activity.anchor.orphaned ?? false, diffType: "EFFECTIVE", fromHash: pullRequest.to.commit, toHash: pullRequest.from.commit } } : {}),
        };
      case "MERGED":
        return { ...common, commit: { id: activity.commit, displayId: activity.commit.slice(0, 11), message: `Merge pull request #${pullRequest.id}` } };
      case "RESCOPED":
        return { ...common, fromHash: activity.fromHash, previousFromHash: activity.previousFromHash, toHash: pullRequest.to.commit, previousToHash: pullRequest.to.commit, added: { commits: [], total: 1 }, removed: { commits: [], total: 0 } };
      default:
        return common;
    }
  }
}

const REPO = /^\/projects\/([^/]+)\/repos\/([^/]+)(\/.*)?$/;

async function delay(ms: number): Promise<void> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Answers a REST request; `path` is below /rest/api/1.0. Returns the response and the caller's name for the log. */
export async function handleRestRequest(state: BitbucketServerState, request: Request, path: string, baseUrl: string): Promise<{ response: Response; account: string | null }> {
  const caller = state.authenticate(request.headers.get("authorization"));
  const account = caller && caller !== "rejected" ? caller.name : null;
  await delay(state.knobs.latencyMs);
  if (caller === "rejected") return { response: serverError(401, BAD_CREDENTIALS, "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"), account };
  const fault = state.drawFault();
  if (fault === "429") return { response: serverError(429, "You have been rate limited. Try again later.", "com.atlassian.bitbucket.ratelimit.RateLimitedException", { "Retry-After": String(state.knobs.retryAfterSeconds) }), account };
  if (fault === "5xx") return { response: serverError(503, "The server is temporarily unavailable.", "com.atlassian.bitbucket.ServiceUnavailableException"), account };
  if (request.method !== "GET") return { response: serverError(405, `Method ${request.method} is not supported by the sandbox.`), account };
  return { response: route(state, new Serializer(state, baseUrl), caller, path, new URL(request.url)), account };
}

function notFoundRepository(key: string, slug: string): Response {
  return serverError(404, `Repository ${key}/${slug} does not exist.`, "com.atlassian.bitbucket.repository.NoSuchRepositoryException");
}

function route(state: BitbucketServerState, ser: Serializer, caller: ServerUser | null, path: string, url: URL): Response {
  const max = state.knobs.maxLimit;
  const readable = state.repositories.filter((repository) => state.canRead(caller, repository));
  if (path === "/repos") {
    const name = url.searchParams.get("name")?.toLowerCase();
    const projectName = url.searchParams.get("projectname")?.toLowerCase();
    const matches = readable.filter((repository) => (!name || repository.name.toLowerCase().includes(name) || repository.slug.includes(name)) && (!projectName || state.project(repository.projectKey)!.name.toLowerCase().includes(projectName)));
    return page(matches.map((repository) => ser.repository(repository)), url, max);
  }
  if (path === "/projects") {
    const name = url.searchParams.get("name")?.toLowerCase();
    const visible = state.projects.filter((project) => (state.canReadProject(caller, project) || readable.some((repository) => repository.projectKey === project.key)) && (!name || project.name.toLowerCase().includes(name)));
    return page(visible.map((project) => ser.project(project)), url, max);
  }
  if (path === "/users") {
    if (!caller) return serverError(401, "Authentication required.", "com.atlassian.bitbucket.AuthorisationException");
    const filter = url.searchParams.get("filter")?.toLowerCase();
    return page(state.users.filter((user) => !filter || user.name.includes(filter) || user.displayName.toLowerCase().includes(filter) || user.emailAddress.includes(filter)).map((user) => ser.user(user.name)), url, max);
  }
  const userMatch = /^\/users\/([^/]+)$/.exec(path);
  if (userMatch) {
    const user = caller ? state.user(decodeURIComponent(userMatch[1]!)) : undefined;
    return user ? Response.json(ser.user(user.name)) : serverError(404, `User ${userMatch[1]} does not exist.`, "com.atlassian.bitbucket.user.NoSuchUserException");
  }
  const projectMatch = /^\/projects\/([^/]+)(\/repos)?$/.exec(path);
  if (projectMatch) {
    const project = state.project(decodeURIComponent(projectMatch[1]!));
    const repositories = project ? readable.filter((repository) => repository.projectKey === project.key) : [];
    if (!project || (!state.canReadProject(caller, project) && repositories.length === 0)) {
      return serverError(404, `Project ${projectMatch[1]} does not exist.`, "com.atlassian.bitbucket.project.NoSuchProjectException");
    }
    const name = url.searchParams.get("name")?.toLowerCase();
    const named = repositories.filter((repository) => !name || repository.name.toLowerCase().includes(name) || repository.slug.includes(name));
    return projectMatch[2] ? page(named.map((repository) => ser.repository(repository)), url, max) : Response.json(ser.project(project));
  }
  const repoMatch = REPO.exec(path);
  if (!repoMatch) return serverError(404, `No REST resource at ${API_PREFIX}${path}.`);
  const [key, slug] = [decodeURIComponent(repoMatch[1]!), decodeURIComponent(repoMatch[2]!)];
  const repository = state.repository(key, slug);
  if (!repository || !state.canRead(caller, repository)) {
    if (!caller && repository) return serverError(401, "Authentication required.", "com.atlassian.bitbucket.AuthorisationException");
    return notFoundRepository(key, slug);
  }
  const rest = repoMatch[3] ?? "";
  const content = state.content(repository);
  const git = content.git;
  if (rest === "") return Response.json(ser.repository(repository));
  if (rest === "/default-branch" || rest === "/branches/default") {
    return Response.json({ id: `refs/heads/${git.head}`, displayId: git.head, type: "BRANCH", latestCommit: git.sha(git.branches[git.head]!), isDefault: true });
  }
  if (rest === "/branches") {
    const filter = url.searchParams.get("filterText") ?? "";
    const branches = Object.entries(git.branches).filter(([name]) => name.includes(filter)).map(([name, mark]) => ({ id: `refs/heads/${name}`, displayId: name, type: "BRANCH", latestCommit: git.sha(mark), isDefault: name === git.head }));
    return page(branches, url, max);
  }
  if (rest === "/tags") return page(git.tags.map((tag) => ({ id: `refs/tags/${tag.name}`, displayId: tag.name, type: "TAG", latestCommit: git.sha(tag.target) })), url, max);
  if (rest === "/pull-requests") {
    const state_ = (url.searchParams.get("state") ?? "OPEN").toUpperCase();
    const order = (url.searchParams.get("order") ?? "NEWEST").toUpperCase();
    const selected = content.pullRequests.filter((pullRequest) => state_ === "ALL" || pullRequest.state === state_);
    // NEWEST: the latest update first, as the server orders it.
    const ordered = order === "OLDEST" ? selected : [...selected].sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
    return page(ordered.map((pullRequest) => ser.pullRequest(repository, pullRequest)), url, max);
  }
  const prMatch = /^\/pull-requests\/(\d+)(\/activities|\/commits)?$/.exec(rest);
  if (prMatch) {
    const pullRequest = content.pullRequests.find((candidate) => candidate.id === Number(prMatch[1]));
    if (!pullRequest) return serverError(404, `Pull request ${prMatch[1]} does not exist in ${key}/${slug}.`, "com.atlassian.bitbucket.pull.NoSuchPullRequestException");
    if (!prMatch[2]) return Response.json(ser.pullRequest(repository, pullRequest));
    if (prMatch[2] === "/activities") return page([...pullRequest.activities].reverse().map((activity) => ser.activity(pullRequest, activity)), url, max);
    const mark = git.markOf(pullRequest.from.commit);
    const commits = mark === undefined ? [] : [{ id: pullRequest.from.commit, displayId: pullRequest.from.commit.slice(0, 11), message: git.commit(mark).message, authorTimestamp: git.commit(mark).timestamp * 1000 }];
    return page(commits, url, max);
  }
  return serverError(404, `No REST resource at ${API_PREFIX}/projects/${key}/repos/${slug}${rest}.`);
}
