import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { listLabels as readLabels } from "@/lib/labels";
import { listMilestones as readMilestones } from "@/lib/milestones";
import { namespaceFullName, namespaceFullNames } from "@/lib/namespaces/read";
import { highestRole, namespaceAncestors, projectsWithRoleWhere, readableProjectsWhere } from "@/lib/projects/access";
import { listProjects as readProjects, projectSearchWhere, type Project } from "@/lib/projects/read";
import { listWikiPages, readWikiPage, readWikiPages } from "@/lib/projects/wiki";
import { readBranches, readTags } from "@/lib/repository";
import { personSelect } from "@/lib/users/people";
import { notFound } from "../errors";
import { membershipQuery, minRoleOf } from "../membership-query";
import { pageOf, pageOptions, paginateArray, paginatedList, paginatedResponse, paginationQuery } from "../pagination";
import { apiBoolean, apiEnum, apiInt, apiList, apiString } from "../params";
import { apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import {
  accessLevel,
  isoDate,
  serializeBranch,
  serializeLabel,
  serializeMilestone,
  serializeProject,
  serializeTag,
  serializeUser,
} from "../serializers";

const sortSchema = apiEnum(["asc", "desc"]).optional();

async function serializeProjects(projects: Project[]) {
  const names = await namespaceFullNames(projects.map((project) => project.namespace.fullPath));
  return projects.map((project) => serializeProject(project, { namespaceFullName: names.get(project.namespace.fullPath) ?? project.namespace.fullPath }));
}

const listProjects = apiRoute(
  {
    name: "list projects",
    access: "read",
    auth: "optional",
    query: z.object({
      ...paginationQuery,
      ...membershipQuery,
      membership: apiBoolean().optional(),
      visibility: apiEnum(["public", "internal", "private"]).optional(),
      order_by: apiEnum(["id", "name", "path", "created_at", "updated_at", "last_activity_at"]).optional(),
      sort: sortSchema,
      simple: apiBoolean().optional(),
    }),
  },
  async ({ caller, query, request }) => {
    const filters: Prisma.ProjectWhereInput[] = [await readableProjectsWhere(caller)];
    if (query.membership || query.owned || query.min_access_level !== undefined) {
      filters.push(caller ? await projectsWithRoleWhere(caller.id, minRoleOf(query)) : { id: { in: [] } });
    }
    if (query.visibility) filters.push({ visibility: query.visibility });
    filters.push(projectSearchWhere(query.search));
    const rows = await readProjects({ AND: filters }, { orderBy: query.order_by, sort: query.sort, ...pageOptions(query) });
    return paginatedList(request, rows, async (items) => {
      const projects = await serializeProjects(items);
      return query.simple ? projects.map(simpleProject) : projects;
    });
  },
);

/** GitLab's BasicProjectDetails (`simple=true`). */
function simpleProject({ id, description, name, name_with_namespace, path, path_with_namespace, created_at, default_branch, web_url, http_url_to_repo, namespace, last_activity_at, visibility }: ReturnType<typeof serializeProject>) {
  return { id, description, name, name_with_namespace, path, path_with_namespace, created_at, default_branch, web_url, http_url_to_repo, namespace, last_activity_at, visibility };
}

const showProject = apiRoute({ name: "show project", access: "read", auth: "optional", project: "read" }, async ({ project }) => {
  return serializeProject(project, { namespaceFullName: await namespaceFullName(project.namespace.fullPath), role: project.access.role, detailed: true });
});

// ---------------------------------------------------------------------------------------------
// Labels and milestones

const listLabels = apiRoute(
  {
    name: "list labels",
    access: "read",
    auth: "optional",
    project: "read",
    query: z.object({ ...paginationQuery, search: apiString().optional(), with_counts: apiBoolean().optional() }),
  },
  async ({ project, query, request }) => {
    const labels = await readLabels(project.id, { search: query.search, ...pageOptions(query) });
    return paginatedList(request, labels, (rows) => rows.map(serializeLabel));
  },
);

const listMilestones = apiRoute(
  {
    name: "list milestones",
    access: "read",
    auth: "optional",
    project: "read",
    query: z.object({ ...paginationQuery, state: apiEnum(["active", "closed"]).optional(), title: apiString().optional(), search: apiString().optional(), iids: apiList(apiInt()).optional() }),
  },
  async ({ project, query, request }) => {
    const milestones = await readMilestones(project.id, { state: query.state, title: query.title, search: query.search, iids: query.iids, ...pageOptions(query) });
    return paginatedList(request, milestones, (rows) => rows.map((milestone) => serializeMilestone(milestone, project)));
  },
);

// ---------------------------------------------------------------------------------------------
// Wiki

/** Content one wiki list answer holds at most; pages past it come with `content: null` (read them one by one). */
const MAX_WIKI_LIST_CONTENT_BYTES = 16 * 1024 * 1024;

const listWikis = apiRoute(
  { name: "list wiki pages", access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery, with_content: apiBoolean().optional() }) },
  async ({ project, query, request }) => {
    // One tree listing and, for content, one batch read of this page of results.
    const pages = (await listWikiPages(project.id)) ?? [];
    const page = pageOf(query);
    const shown = pages.slice(page.skip, page.skip + page.take);
    const contents = query.with_content ? await readWikiPages(project.id, shown, { maxTotalBytes: MAX_WIKI_LIST_CONTENT_BYTES }) : null;
    const entries = shown.map((wikiPage, index) => ({
      format: wikiPage.format,
      slug: wikiPage.slug,
      title: wikiPage.title,
      encoding: "UTF-8",
      ...(contents ? { content: contents[index]!.content } : {}),
    }));
    return paginatedResponse(request, entries, page, pages.length);
  },
);

const showWiki = apiRoute({ name: "show wiki page", access: "read", auth: "optional", project: "read" }, async ({ project, params }) => {
  const page = await readWikiPage(project.id, params.slug!);
  if (!page) throw notFound("Wiki Page");
  return { format: page.page.format, slug: page.page.slug, title: page.page.title, encoding: "UTF-8", content: page.content };
});

// ---------------------------------------------------------------------------------------------
// Repository

const listBranches = apiRoute(
  { name: "list branches", access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery, search: apiString().optional() }) },
  async ({ project, query, request }) => {
    const search = query.search?.toLowerCase();
    const branches = (await readBranches(project.id)).filter((branch) => !search || branch.name.toLowerCase().includes(search));
    return paginateArray(request, branches, query, (branch) => serializeBranch(branch, project));
  },
);

const showBranch = apiRoute({ name: "show branch", access: "read", auth: "optional", project: "read" }, async ({ project, params }) => {
  const branch = (await readBranches(project.id)).find((candidate) => candidate.name === params.branch);
  if (!branch) throw notFound("Branch");
  return serializeBranch(branch, project);
});

const listTags = apiRoute(
  {
    name: "list tags",
    access: "read",
    auth: "optional",
    project: "read",
    query: z.object({ ...paginationQuery, search: apiString().optional(), order_by: apiEnum(["name", "updated"]).optional(), sort: sortSchema }),
  },
  async ({ project, query, request }) => {
    const search = query.search?.toLowerCase();
    const tags = (await readTags(project.id)).filter((tag) => !search || tag.name.toLowerCase().includes(search));
    const direction = (query.sort ?? "desc") === "asc" ? 1 : -1;
    tags.sort((a, b) =>
      query.order_by === "name" ? direction * a.name.localeCompare(b.name) : direction * (Date.parse(a.commit.committedDate) - Date.parse(b.commit.committedDate)) || a.name.localeCompare(b.name),
    );
    return paginateArray(request, tags, query, (tag) => serializeTag(tag, project));
  },
);

// ---------------------------------------------------------------------------------------------
// Members

type MemberRow = { userId: string; role: Role; since: Date };

/**
 * Everyone with access to the project: members of its namespace or of any namespace above it,
 * and the owner of the personal namespace it lives in (as Owner), each with their highest role.
 */
const listAllMembers = apiRoute(
  { name: "list project members", access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery, query: apiString().optional() }) },
  async ({ project, query, request }) => {
    const chain = await namespaceAncestors(project.namespaceId);
    const [memberships, owned] = await Promise.all([
      db.membership.findMany({ where: { namespaceId: { in: chain.map((namespace) => namespace.id) } }, select: { userId: true, role: true, createdAt: true } }),
      db.namespace.findMany({ where: { id: { in: chain.filter((namespace) => namespace.ownerId !== null).map((namespace) => namespace.id) } }, select: { ownerId: true, createdAt: true } }),
    ]);
    const rows: MemberRow[] = [
      ...memberships.map((membership) => ({ userId: membership.userId, role: membership.role, since: membership.createdAt })),
      ...owned.map((namespace) => ({ userId: namespace.ownerId!, role: "owner" as const, since: namespace.createdAt })),
    ];
    const best = new Map<string, { role: Role; since: Date }>();
    for (const row of rows) {
      const current = best.get(row.userId);
      const chosen = current ? highestRole([current.role, row.role])! : row.role;
      best.set(row.userId, { role: chosen, since: current && current.since < row.since ? current.since : row.since });
    }
    const search = query.query?.toLowerCase();
    const users = await db.user.findMany({ where: { id: { in: [...best.keys()] } }, select: personSelect, orderBy: { number: "asc" } });
    const members = users
      .filter((user) => !search || user.username.toLowerCase().includes(search) || (user.name ?? "").toLowerCase().includes(search))
      .map((user) => ({
        ...serializeUser(user),
        access_level: accessLevel(best.get(user.id)!.role),
        created_at: isoDate(best.get(user.id)!.since),
        expires_at: null,
        membership_state: "active",
      }));
    return paginateArray(request, members, query);
  },
);

export const projectRoutes: ApiRoutes = {
  "/projects": { GET: listProjects },
  "/projects/:id": { GET: showProject },
  "/projects/:id/labels": { GET: listLabels },
  "/projects/:id/milestones": { GET: listMilestones },
  "/projects/:id/wikis": { GET: listWikis },
  "/projects/:id/wikis/:slug": { GET: showWiki },
  "/projects/:id/repository/branches": { GET: listBranches },
  "/projects/:id/repository/branches/:branch": { GET: showBranch },
  "/projects/:id/repository/tags": { GET: listTags },
  "/projects/:id/members/all": { GET: listAllMembers },
};
