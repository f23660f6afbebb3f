/**
 * The REST API 2.0 routes (`{apiUrl}/2.0/...`). Knobs (latency, 429, 5xx) and the request log
 * are applied around them in handlers.ts.
 */
import { ZodError } from "zod";
import type { Caller } from "./auth";
import { QueryError, applyFields, compileQuery, compileSort, type FieldSchema } from "./query";
import {
  MESSAGES,
  bitbucketError,
  change2770Gone,
  invalidCredentials,
  json,
  passwordRejected,
  tokenExpired,
} from "./responses";
import { MEMBERSHIP_FIELDS, PROJECT_FIELDS, REPOSITORY_FIELDS, WORKSPACE_ACCESS_FIELDS, type Serializer } from "./serialize";
import type { RepositoryRecord, WorkspaceSeed } from "./seed";
import { SandboxStateError, type RepositoryRole, type SandboxAccount, type SandboxState } from "./state";

export interface ApiContext {
  readonly state: SandboxState;
  readonly ser: Serializer;
  readonly request: Request;
  readonly url: URL;
  /** Decoded path captures of the route pattern. */
  readonly params: readonly string[];
  readonly caller: Caller;
  readonly viewer: SandboxAccount | null;
}

interface ApiRoute {
  readonly pattern: RegExp;
  readonly methods?: readonly string[];
  /** OAuth scope the endpoint needs (checked for OAuth tokens only; API tokens have all read scopes). */
  readonly scope?: string;
  /** Answer 401 to anonymous callers. */
  readonly authenticated?: boolean;
  readonly handle: (ctx: ApiContext) => Response | Promise<Response>;
}

const NO_API_HERE =
  "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/cloud/bitbucket/rest/";

// --- helpers -----------------------------------------------------------------------------------

function positiveInt(raw: string | null, fallback: number): number | null {
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 ? value : null;
}

/**
 * Bitbucket's paged envelope {size, page, pagelen, next, previous, values}; `next`/`previous`
 * are absolute and keep every other query parameter. `fields` applies to the whole envelope.
 */
export function paginate(ctx: ApiContext, items: readonly unknown[], maxPagelen = 100): Response {
  const params = ctx.url.searchParams;
  const pagelen = positiveInt(params.get("pagelen"), 10);
  if (pagelen === null || pagelen > maxPagelen) return bitbucketError(400, MESSAGES.invalidPagelen);
  const page = positiveInt(params.get("page"), 1);
  if (page === null) return bitbucketError(400, MESSAGES.invalidPage);
  const size = items.length;
  const pages = Math.max(1, Math.ceil(size / pagelen));
  if (page > pages) return bitbucketError(404, MESSAGES.invalidPage);
  const link = (target: number) => {
    const url = new URL(`${ctx.ser.apiUrl}${ctx.url.pathname}`);
    for (const [key, value] of params) if (key !== "page") url.searchParams.append(key, value);
    url.searchParams.set("page", String(target));
    return url.toString();
  };
  const body: Record<string, unknown> = { pagelen, size, values: items.slice((page - 1) * pagelen, page * pagelen), page };
  if (page < pages) body.next = link(page + 1);
  if (page > 1) body.previous = link(page - 1);
  return json(applyFields(body, params.get("fields")));
}

function filterAndSort<T>(ctx: ApiContext, items: T[], schema: FieldSchema): T[] {
  const q = ctx.url.searchParams.get("q");
  let result = items;
  if (q !== null && q.trim() !== "") {
    const predicate = compileQuery(q, schema);
    result = result.filter(predicate);
  }
  const sort = ctx.url.searchParams.get("sort");
  if (sort) result = [...result].sort(compileSort(sort, schema));
  return result;
}

function single(ctx: ApiContext, body: unknown): Response {
  return json(applyFields(body, ctx.url.searchParams.get("fields")));
}

function requireWorkspace(ctx: ApiContext, identifier: string): WorkspaceSeed {
  const workspace = ctx.state.workspace(identifier);
  if (!workspace) throw new ApiError(bitbucketError(404, MESSAGES.workspaceNotFound(identifier)));
  return workspace;
}

function requireMember(ctx: ApiContext, workspace: WorkspaceSeed): void {
  if (!ctx.viewer) throw new ApiError(bitbucketError(401, MESSAGES.authenticationRequired));
  if (!ctx.state.membership(workspace, ctx.viewer)) {
    throw new ApiError(bitbucketError(403, "You do not have access to this workspace."));
  }
}

function requireRepository(ctx: ApiContext, workspace: string, slug: string): RepositoryRecord {
  const repository = ctx.state.repository(workspace, slug);
  if (!repository || !ctx.state.canRead(ctx.viewer, repository)) throw new ApiError(bitbucketError(404, MESSAGES.repositoryNotFound));
  return repository;
}

/** Thrown to answer with a prepared response. */
export class ApiError extends Error {
  constructor(readonly response: Response) {
    super(`API error ${response.status}`);
  }
}

const ROLES: readonly RepositoryRole[] = ["member", "contributor", "admin", "owner"];

// --- routes --------------------------------------------------------------------------------------

const ISSUES_REMOVED_MESSAGE = "Issues have been removed from Bitbucket Cloud.";

const routes: readonly ApiRoute[] = [
  // Removed by CHANGE-2770 (cross-workspace listing).
  { pattern: /^\/2\.0\/workspaces$/, handle: () => change2770Gone() },
  { pattern: /^\/2\.0\/repositories$/, handle: () => change2770Gone() },
  { pattern: /^\/2\.0\/user\/permissions\/(workspaces|repositories)$/, handle: () => change2770Gone() },

  {
    pattern: /^\/2\.0\/user$/,
    scope: "account",
    authenticated: true,
    handle: (ctx) => single(ctx, ctx.ser.user(ctx.viewer!, true)),
  },
  {
    pattern: /^\/2\.0\/user\/emails$/,
    scope: "email",
    authenticated: true,
    handle: (ctx) => paginate(ctx, filterAndSort(ctx, [ctx.ser.email(ctx.viewer!)], { email: "string", is_primary: "boolean", is_confirmed: "boolean" })),
  },
  {
    pattern: /^\/2\.0\/user\/emails\/([^/]+)$/,
    scope: "email",
    authenticated: true,
    handle: (ctx) =>
      ctx.viewer!.email.toLowerCase() === ctx.params[0]!.toLowerCase()
        ? single(ctx, ctx.ser.email(ctx.viewer!))
        : bitbucketError(404, `Email ${ctx.params[0]} not found`),
  },
  {
    pattern: /^\/2\.0\/user\/workspaces$/,
    scope: "account",
    authenticated: true,
    handle: (ctx) => {
      const sort = ctx.url.searchParams.get("sort");
      if (sort && sort !== "slug" && sort !== "-slug") {
        return bitbucketError(400, `Invalid sort field: ${sort.replace(/^-/, "")}`, { detail: "Only 'slug' can be used to sort workspaces." });
      }
      let values = ctx.state
        .workspacesOf(ctx.viewer!)
        .sort((a, b) => (a.workspace.slug < b.workspace.slug ? -1 : 1))
        .map(({ workspace, administrator }) => ctx.ser.workspaceAccess(workspace, administrator));
      if (sort === "-slug") values = values.reverse();
      const q = ctx.url.searchParams.get("q");
      if (q !== null && q.trim() !== "") values = values.filter(compileQuery(q, WORKSPACE_ACCESS_FIELDS));
      return paginate(ctx, values);
    },
  },
  {
    pattern: /^\/2\.0\/users\/([^/]+)$/,
    handle: (ctx) => {
      const account = ctx.state.accountById(ctx.params[0]!);
      return account ? single(ctx, ctx.ser.user(account, false)) : bitbucketError(404, `${ctx.params[0]} is not a valid user`);
    },
  },
  {
    pattern: /^\/2\.0\/workspaces\/([^/]+)$/,
    scope: "account",
    handle: (ctx) => single(ctx, ctx.ser.workspace(requireWorkspace(ctx, ctx.params[0]!))),
  },
  {
    pattern: /^\/2\.0\/workspaces\/([^/]+)\/members$/,
    scope: "account",
    handle: (ctx) => {
      const workspace = requireWorkspace(ctx, ctx.params[0]!);
      requireMember(ctx, workspace);
      const values = ctx.state.membersOf(workspace).map(({ account }) => ctx.ser.membership(workspace, account));
      return paginate(ctx, filterAndSort(ctx, values, MEMBERSHIP_FIELDS));
    },
  },
  {
    pattern: /^\/2\.0\/workspaces\/([^/]+)\/members\/([^/]+)$/,
    scope: "account",
    handle: (ctx) => {
      const workspace = requireWorkspace(ctx, ctx.params[0]!);
      requireMember(ctx, workspace);
      const member = ctx.state.membersOf(workspace).find(({ account }) => account === ctx.state.accountById(ctx.params[1]!));
      return member ? single(ctx, ctx.ser.membership(workspace, member.account)) : bitbucketError(404, `${ctx.params[1]} is not a member of ${workspace.slug}`);
    },
  },
  {
    pattern: /^\/2\.0\/workspaces\/([^/]+)\/projects$/,
    scope: "project",
    handle: (ctx) => {
      const workspace = requireWorkspace(ctx, ctx.params[0]!);
      const member = ctx.viewer !== null && ctx.state.membership(workspace, ctx.viewer) !== null;
      const values = workspace.projects
        .map((project) => ctx.ser.projectFull(workspace, project.key))
        .filter((project) => member || project.has_publicly_visible_repos);
      return paginate(ctx, filterAndSort(ctx, values, PROJECT_FIELDS));
    },
  },
  {
    pattern: /^\/2\.0\/workspaces\/([^/]+)\/projects\/([^/]+)$/,
    scope: "project",
    handle: (ctx) => {
      const workspace = requireWorkspace(ctx, ctx.params[0]!);
      const project = workspace.projects.find((candidate) => candidate.key === ctx.params[1]);
      const member = ctx.viewer !== null && ctx.state.membership(workspace, ctx.viewer) !== null;
      const body = project && ctx.ser.projectFull(workspace, project.key);
      if (!body || (!member && !body.has_publicly_visible_repos)) return bitbucketError(404, `Project ${ctx.params[1]} not found`);
      return single(ctx, body);
    },
  },
  {
    pattern: /^\/2\.0\/repositories\/([^/]+)$/,
    scope: "repository",
    handle: (ctx) => {
      const workspace = requireWorkspace(ctx, ctx.params[0]!);
      let repositories = ctx.state.repositoriesOf(workspace).filter((repo) => ctx.state.canRead(ctx.viewer, repo));
      const role = ctx.url.searchParams.get("role");
      if (role !== null) {
        if (!ROLES.includes(role as RepositoryRole)) {
          return bitbucketError(400, `Invalid role: ${role}`, { detail: "role must be one of member, contributor, admin, owner" });
        }
        const viewer = ctx.viewer;
        repositories = viewer ? repositories.filter((repo) => ctx.state.hasRole(viewer, repo, role as RepositoryRole)) : [];
      }
      const values = repositories.map((repo) => ctx.ser.repository(repo, ctx.viewer));
      return paginate(ctx, filterAndSort(ctx, values, REPOSITORY_FIELDS));
    },
  },
  {
    pattern: /^\/2\.0\/repositories\/([^/]+)\/([^/]+)$/,
    scope: "repository",
    handle: (ctx) => single(ctx, ctx.ser.repository(requireRepository(ctx, ctx.params[0]!, ctx.params[1]!), ctx.viewer)),
  },
  {
    // Issues were removed from Bitbucket Cloud on 2026-08-20 (knob issuesRemoved, default true).
    pattern: /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/(issues|milestones|components|versions)(?:\/.*)?$/,
    scope: "issue",
    handle: (ctx) => {
      const repository = requireRepository(ctx, ctx.params[0]!, ctx.params[1]!);
      if (ctx.state.knobs.issuesRemoved) {
        return bitbucketError(410, ISSUES_REMOVED_MESSAGE, {
          detail: "Bitbucket Cloud removed Issues and Wikis on August 20, 2026. Export archives can still be imported.",
        });
      }
      if (!repository.has_issues) return bitbucketError(404, "Repository has no issue tracker.");
      // The sandbox seeds no issues yet: the tracker exists and is empty.
      return paginate(ctx, [], 100);
    },
  },
];

/** Runs the matching route: routing, credentials, scope, then the handler. */
export async function routeApi(state: SandboxState, ser: Serializer, request: Request, url: URL, caller: Caller): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  let route: ApiRoute | undefined;
  let match: RegExpExecArray | null = null;
  for (const candidate of routes) {
    match = candidate.pattern.exec(path);
    if (match) {
      route = candidate;
      break;
    }
  }
  if (!route || !match) return bitbucketError(404, MESSAGES.notFound, { detail: NO_API_HERE });
  const methods = route.methods ?? ["GET"];
  if (!methods.includes(request.method)) return bitbucketError(405, `Method ${request.method} not allowed`, {}, { Allow: methods.join(", ") });

  if (caller.kind === "rejected") {
    if (caller.reason === "expired") return tokenExpired();
    if (caller.reason === "invalid_token") return invalidCredentials();
    return passwordRejected();
  }
  const viewer = caller.kind === "authenticated" ? caller.account : null;
  if (route.authenticated && !viewer) return bitbucketError(401, MESSAGES.authenticationRequired);
  const headers: Record<string, string> = {};
  if (caller.kind === "authenticated" && caller.token) {
    headers["X-OAuth-Scopes"] = caller.token.scopes.join(", ");
    if (route.scope) headers["X-Accepted-OAuth-Scopes"] = route.scope;
    if (route.scope && !hasScope(caller.token.scopes, route.scope)) {
      return bitbucketError(403, MESSAGES.missingScope, { detail: { required: [route.scope], granted: [...caller.token.scopes] } }, headers);
    }
  }

  const params = match.slice(1).map((value) => (value === undefined ? "" : safeDecode(value)));
  const ctx: ApiContext = { state, ser, request, url, params, caller, viewer };
  try {
    const response = await route.handle(ctx);
    for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
    return response;
  } catch (error) {
    return errorResponse(error);
  }
}

/** pullrequest implies repository; write scopes imply read (":write" suffix). */
function hasScope(granted: readonly string[], required: string): boolean {
  const expanded = new Set(granted.flatMap((scope) => [scope, scope.replace(/:write$/, "")]));
  if (expanded.has("pullrequest")) expanded.add("repository");
  return expanded.has(required);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.response;
  if (error instanceof QueryError) return bitbucketError(400, error.message, { detail: error.detail });
  if (error instanceof SandboxStateError) return bitbucketError(error.status, error.message);
  if (error instanceof ZodError) {
    return bitbucketError(400, "Bad request", { detail: error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ") });
  }
  console.error("[bitbucket sandbox] unexpected error", error);
  return bitbucketError(500, "Something went wrong. Please try again later.", { detail: String(error) });
}
