import { existsSync } from "node:fs";
import type { SessionUser } from "@/lib/auth";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { db, type Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { projectRepositoryPath, runGit } from "@/lib/git";
import { namespaceSelect } from "@/lib/namespaces/read";
import { namespaceIdsWithRole, projectAccess, readableProjectsWhere, type Actor, type ProjectAccess } from "./access";

/**
 * Projects as the pages and the API read them. Finding a project checks nothing;
 * `loadProjectForUser` (pages) and the API's `findApiProject` add the caller's access.
 */

/** The state of a project's import, as the project's header and the API's project show it. */
export const importSummarySelect = {
  id: true,
  status: true,
  stage: true,
  error: true,
  cancelRequestedAt: true,
  waitingUntil: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
} satisfies Prisma.ProjectImportSelect;

export const projectSelect = {
  id: true,
  name: true,
  path: true,
  fullPath: true,
  description: true,
  visibility: true,
  defaultBranch: true,
  hasWiki: true,
  namespaceId: true,
  importType: true,
  importSource: true,
  importUrl: true,
  importWarning: true,
  createdAt: true,
  updatedAt: true,
  creator: { select: { number: true } },
  namespace: { select: namespaceSelect },
  import: { select: importSummarySelect },
  _count: { select: { issues: { where: { state: "opened" } } } },
} satisfies Prisma.ProjectSelect;

export type Project = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;
export type ProjectImportSummary = NonNullable<Project["import"]>;

/** A project id, or a full path ("group/sub/project"; surrounding slashes ignored). */
export type ProjectRef = number | string;

/** The project by id, or at a full path (exact, else ignoring case); no access check. */
export async function findProject(ref: ProjectRef): Promise<Project | null> {
  if (typeof ref === "number") return Number.isSafeInteger(ref) && ref > 0 && ref <= 2_147_483_647 ? db.project.findUnique({ where: { id: ref }, select: projectSelect }) : null;
  const fullPath = ref.replace(/^\/+|\/+$/g, "");
  if (!fullPath || fullPath.length > 1000) return null;
  const exact = await db.project.findUnique({ where: { fullPath }, select: projectSelect });
  if (exact) return exact;
  return db.project.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: projectSelect, orderBy: { id: "asc" } });
}

/** The project and the caller's access to it; null when it does not exist or the caller can't read it (both are a 404). */
export async function loadProjectForUser(user: SessionUser | null, ref: ProjectRef): Promise<{ project: Project; access: ProjectAccess } | null> {
  const project = await findProject(ref);
  if (!project) return null;
  const access = await projectAccess(user, project);
  return access.canRead ? { project, access } : null;
}

/** Open issue and merge request counts for the project navigation. */
export async function projectCounts(projectId: number): Promise<{ openIssues: number; openMergeRequests: number }> {
  const [openIssues, openMergeRequests] = await Promise.all([
    db.issue.count({ where: { projectId, state: "opened" } }),
    db.mergeRequest.count({ where: { projectId, state: "opened" } }),
  ]);
  return { openIssues, openMergeRequests };
}

/** Branch and tag counts of the project's repository; null when there is no repository (yet). */
export async function repositoryRefCounts(projectId: number): Promise<{ branches: number; tags: number } | null> {
  const dir = projectRepositoryPath(projectId);
  if (!existsSync(dir)) return null;
  try {
    const { stdout } = await runGit([`--git-dir=${dir}`, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags"], {
      cwd: dir,
      timeoutMs: 15_000,
    });
    return countRefs(stdout);
  } catch {
    return null;
  }
}

export function countRefs(output: string): { branches: number; tags: number } {
  let branches = 0;
  let tags = 0;
  for (const line of output.split("\n")) {
    if (line.startsWith("refs/heads/")) branches++;
    else if (line.startsWith("refs/tags/")) tags++;
  }
  return { branches, tags };
}

export type ProjectOrder = { orderBy?: "id" | "name" | "path" | "created_at" | "updated_at" | "last_activity_at"; sort?: "asc" | "desc" };

const PROJECT_ORDER_FIELDS = { id: "id", name: "name", path: "path", created_at: "createdAt", updated_at: "updatedAt", last_activity_at: "updatedAt" } as const;

/** One page of the projects matching `where` (the caller's access filter among them), newest first unless asked otherwise. */
export async function listProjects(where: Prisma.ProjectWhereInput, options: ProjectOrder & PageOptions): Promise<Paged<Project>> {
  const direction = options.sort ?? "desc";
  const field = PROJECT_ORDER_FIELDS[options.orderBy ?? "created_at"];
  return loadPage(
    options,
    (range) => db.project.findMany({ where, select: projectSelect, orderBy: [{ [field]: direction }, { id: direction }], ...range }),
    () => db.project.count({ where }),
  );
}

/** Projects whose name, path or description contains `search` (any case); everything without one. */
export function projectSearchWhere(search: string | undefined): Prisma.ProjectWhereInput {
  const text = search;
  if (!text) return {};
  return {
    OR: [
      { name: { contains: text, mode: "insensitive" } },
      { path: { contains: text, mode: "insensitive" } },
      { fullPath: { contains: text, mode: "insensitive" } },
      { description: { contains: text, mode: "insensitive" } },
    ],
  };
}

/**
 * The user's own projects for their home page: those in their personal namespace and in groups
 * where they have a role, most recently created (imports create their project) first.
 */
export async function listMemberProjects(user: Actor, options: { search?: string } & PageOptions): Promise<Paged<Project>> {
  const where: Prisma.ProjectWhereInput = { AND: [{ namespaceId: { in: await namespaceIdsWithRole(user.id) } }, projectSearchWhere(options.search)] };
  return listProjects(where, { orderBy: "created_at", sort: "desc", page: options.page, perPage: options.perPage });
}

/** Public projects, for /explore, most recently created first. */
export async function listPublicProjects(options: { search?: string } & PageOptions): Promise<Paged<Project>> {
  return listProjects({ AND: [{ visibility: "public" }, projectSearchWhere(options.search)] }, { orderBy: "created_at", sort: "desc", page: options.page, perPage: options.perPage });
}

/** The projects of one namespace the caller can read, by name. */
export async function listNamespaceProjects(user: Actor | null, namespaceId: number, options: PageOptions): Promise<Paged<Project>> {
  return listProjects({ AND: [{ namespaceId }, await readableProjectsWhere(user)] }, { orderBy: "name", sort: "asc", ...options });
}
