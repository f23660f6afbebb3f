import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { highestRole } from "@/lib/projects/access";
import { listWikiPages, readWikiPage, readWikiPages } from "@/lib/projects/wiki";
import { notFound } from "../errors";
import { pageOf, paginateArray, paginatedResponse, paginationQuery } from "../pagination";
import { apiBoolean, apiEnum, apiInt, apiList, apiString } from "../params";
import { accessibleNamespaceIds, findApiProject, readableProjectsWhere } from "../projects";
import { apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import {
  accessLevel,
  apiMilestoneSelect,
  apiProjectSelect,
  apiUserSelect,
  isoDate,
  namespaceFullNames,
  readBranches,
  readTags,
  roleForAccessLevel,
  serializeBranch,
  serializeLabel,
  serializeMilestone,
  serializeProject,
  serializeTag,
  serializeUser,
  type ApiProjectRow,
} from "../serializers";

const sortSchema = apiEnum(["asc", "desc"]).optional();

async function serializeProjects(projects: ApiProjectRow[]) {
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
      search: apiString().optional(),
      membership: apiBoolean().optional(),
      owned: apiBoolean().optional(),
      min_access_level: apiInt().optional(),
      visibility: apiEnum(["public", "internal", "private"]).optional(),
      order_by: apiEnum(["id", "name", "path", "created_at", "updated_at", "last_activity_at"]).optional(),
      sort: sortSchema,
      simple: apiBoolean().optional(),
    }),
  },
  async ({ caller, query, request }) => {
    const page = pageOf(query);
    const filters: Prisma.ProjectWhereInput[] = [await readableProjectsWhere(caller)];
    if (query.membership || query.owned || query.min_access_level !== undefined) {
      const minRole: Role | null = query.owned ? "owner" : query.min_access_level !== undefined ? (roleForAccessLevel(query.min_access_level) ?? "guest") : null;
      filters.push({ namespaceId: { in: caller ? await accessibleNamespaceIds(caller.id, minRole) : [] } });
    }
    if (query.visibility) filters.push({ visibility: query.visibility });
    if (query.search) {
      filters.push({
        OR: [
          { name: { contains: query.search, mode: "insensitive" } },
          { path: { contains: query.search, mode: "insensitive" } },
          { fullPath: { contains: query.search, mode: "insensitive" } },
          { description: { contains: query.search, mode: "insensitive" } },
        ],
      });
    }
    const field = ({ id: "id", name: "name", path: "path", created_at: "createdAt", updated_at: "updatedAt", last_activity_at: "updatedAt" } as const)[query.order_by ?? "created_at"];
    const where: Prisma.ProjectWhereInput = { AND: filters };
    const [rows, total] = await Promise.all([
      db.project.findMany({ where, select: apiProjectSelect, orderBy: [{ [field]: query.sort ?? "desc" }, { id: query.sort ?? "desc" }], skip: page.skip, take: page.take }),
      db.project.count({ where }),
    ]);
    const projects = await serializeProjects(rows);
    const items = query.simple
      ? projects.map(({ id, description, name, name_with_namespace, path, path_with_namespace, created_at, default_branch, web_url, http_url_to_repo, namespace, last_activity_at, visibility }) => ({
          id,
          description,
          name,
          name_with_namespace,
          path,
          path_with_namespace,
          created_at,
          default_branch,
          web_url,
          http_url_to_repo,
          namespace,
          last_activity_at,
          visibility,
        }))
      : projects;
    return paginatedResponse(request, items, page, total);
  },
);

const showProject = apiRoute({ name: "show project", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  const names = await namespaceFullNames([project.namespace.fullPath]);
  return serializeProject(project, { namespaceFullName: names.get(project.namespace.fullPath) ?? project.namespace.fullPath, role: project.access.role, detailed: true });
});

// ---------------------------------------------------------------------------------------------
// Labels and milestones

const listLabels = apiRoute(
  { name: "list labels", access: "read", auth: "optional", query: z.object({ ...paginationQuery, search: apiString().optional(), with_counts: apiBoolean().optional() }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const page = pageOf(query);
    const where: Prisma.LabelWhereInput = { projectId: project.id, ...(query.search ? { title: { contains: query.search, mode: "insensitive" } } : {}) };
    const [labels, total, counts] = await Promise.all([
      db.label.findMany({ where, select: { id: true, title: true, color: true, description: true }, orderBy: { title: "asc" }, skip: page.skip, take: page.take }),
      db.label.count({ where }),
      db.$queryRaw<{ label_id: number; state: string; count: bigint }[]>`
        SELECT il.label_id, i.state::text AS state, count(*) AS count
        FROM issue_labels il JOIN issues i ON i.id = il.issue_id
        WHERE i.project_id = ${project.id}
        GROUP BY il.label_id, i.state`,
    ]);
    const countsFor = (labelId: number) => ({
      openIssues: Number(counts.find((row) => row.label_id === labelId && row.state === "opened")?.count ?? 0),
      closedIssues: Number(counts.find((row) => row.label_id === labelId && row.state === "closed")?.count ?? 0),
    });
    return paginatedResponse(request, labels.map((label) => serializeLabel(label, countsFor(label.id))), page, total);
  },
);

const listMilestones = apiRoute(
  {
    name: "list milestones",
    access: "read",
    auth: "optional",
    query: z.object({ ...paginationQuery, state: apiEnum(["active", "closed"]).optional(), title: apiString().optional(), search: apiString().optional(), iids: apiList(apiInt()).optional() }),
  },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const page = pageOf(query);
    const where: Prisma.MilestoneWhereInput = {
      projectId: project.id,
      ...(query.state ? { state: query.state } : {}),
      ...(query.title !== undefined ? { title: query.title } : {}),
      ...(query.search ? { title: { contains: query.search, mode: "insensitive" } } : {}),
      ...(query.iids ? { iid: { in: query.iids } } : {}),
    };
    const [milestones, total] = await Promise.all([
      db.milestone.findMany({ where, select: apiMilestoneSelect, orderBy: [{ dueDate: { sort: "asc", nulls: "last" } }, { title: "asc" }], skip: page.skip, take: page.take }),
      db.milestone.count({ where }),
    ]);
    return paginatedResponse(request, milestones.map((milestone) => serializeMilestone(milestone, project)), page, total);
  },
);

// ---------------------------------------------------------------------------------------------
// Wiki

/** Content one wiki list answer holds at most; pages past it come with `content: null` (read them one by one). */
const MAX_WIKI_LIST_CONTENT_BYTES = 16 * 1024 * 1024;

const listWikis = apiRoute(
  { name: "list wiki pages", access: "read", auth: "optional", query: z.object({ ...paginationQuery, with_content: apiBoolean().optional() }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
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

const showWiki = apiRoute({ name: "show wiki page", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  const page = await readWikiPage(project.id, params.slug!);
  if (!page) throw notFound("Wiki Page");
  return { format: page.page.format, slug: page.page.slug, title: page.page.title, encoding: "UTF-8", content: page.content };
});

// ---------------------------------------------------------------------------------------------
// Repository

const listBranches = apiRoute(
  { name: "list branches", access: "read", auth: "optional", query: z.object({ ...paginationQuery, search: apiString().optional() }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const search = query.search?.toLowerCase();
    const branches = (await readBranches(project.id)).filter((branch) => !search || branch.name.toLowerCase().includes(search));
    return paginateArray(request, branches, query, (branch) => serializeBranch(branch, project));
  },
);

const showBranch = apiRoute({ name: "show branch", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  const branch = (await readBranches(project.id)).find((candidate) => candidate.name === params.branch);
  if (!branch) throw notFound("Branch");
  return serializeBranch(branch, project);
});

const listTags = apiRoute(
  {
    name: "list tags",
    access: "read",
    auth: "optional",
    query: z.object({ ...paginationQuery, search: apiString().optional(), order_by: apiEnum(["name", "updated"]).optional(), sort: sortSchema }),
  },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
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

type MemberRow = { user_id: string; role: Role | null; owner: boolean; created_at: Date };

/**
 * Everyone with access to the project: members of its namespace or of any namespace above it,
 * and the owner of the personal namespace it lives in (as Owner), each with their highest role.
 */
const listAllMembers = apiRoute(
  { name: "list project members", access: "read", auth: "optional", query: z.object({ ...paginationQuery, query: apiString().optional() }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const rows = await db.$queryRaw<MemberRow[]>`
      WITH RECURSIVE chain(id, parent_id, owner_id) AS (
        SELECT id, parent_id, owner_id FROM namespaces WHERE id = ${project.namespaceId}
        UNION
        SELECT n.id, n.parent_id, n.owner_id FROM namespaces n JOIN chain c ON n.id = c.parent_id
      )
      SELECT m.user_id, m.role::text AS role, false AS owner, m.created_at FROM memberships m JOIN chain ON m.namespace_id = chain.id
      UNION ALL
      SELECT chain.owner_id AS user_id, NULL AS role, true AS owner, n.created_at FROM chain JOIN namespaces n ON n.id = chain.id WHERE chain.owner_id IS NOT NULL`;
    const best = new Map<string, { role: Role; since: Date }>();
    for (const row of rows) {
      const role: Role = row.owner ? "owner" : row.role!;
      const current = best.get(row.user_id);
      const chosen = current ? highestRole([current.role, role])! : role;
      best.set(row.user_id, { role: chosen, since: current && current.since < row.created_at ? current.since : row.created_at });
    }
    const search = query.query?.toLowerCase();
    const users = await db.user.findMany({ where: { id: { in: [...best.keys()] } }, select: apiUserSelect, orderBy: { number: "asc" } });
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
