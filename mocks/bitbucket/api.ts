/**
 * The REST API 2.0 routes (`{apiUrl}/2.0/...`). Knobs (latency, 429, 5xx) and the request log
 * are applied around them in handlers.ts.
 */
import {
  NO_API_HERE,
  errorResponse,
  filterAndSort,
  paginate,
  requireMember,
  requireRepository,
  requireWorkspace,
  single,
  type ApiContext,
  type ApiRoute,
} from "./api-support";
import { ISSUE_ROUTES } from "./api-issues";
import { PULL_REQUEST_ROUTES } from "./api-pullrequests";
import type { Caller } from "./auth";
import { compileQuery } from "./query";
import { MESSAGES, bitbucketError, change2770Gone, invalidCredentials, passwordRejected, tokenExpired } from "./responses";
import { MEMBERSHIP_FIELDS, PROJECT_FIELDS, REPOSITORY_FIELDS, WORKSPACE_ACCESS_FIELDS, type Serializer } from "./serialize";
import type { RepositoryRole, SandboxState } from "./state";

export { ApiError, errorResponse, paginate, type ApiContext } from "./api-support";

const ROLES: readonly RepositoryRole[] = ["member", "contributor", "admin", "owner"];

// --- routes --------------------------------------------------------------------------------------

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
  ...PULL_REQUEST_ROUTES,
  ...ISSUE_ROUTES,
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

