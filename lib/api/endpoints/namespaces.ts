import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import type { Role } from "@/lib/generated/prisma/enums";
import { pathProblem, pathProblemMessage } from "@/lib/namespaces/paths";
import { canImportInto, namespaceIdsWithRole } from "@/lib/projects/access";
import { isUsernameTaken } from "@/lib/users/create";
import type { ApiCaller } from "../auth";
import { findNamespace, listNamespaces as readNamespaces, namespaceFullNames, namespaceSelect, type NamespaceItem } from "@/lib/namespaces/read";
import { ApiError, notFound } from "../errors";
import { membershipQuery, minRoleOf } from "../membership-query";
import { pageOptions, paginatedList, paginationQuery } from "../pagination";
import { apiBoolean, apiId, apiString } from "../params";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeGroup, serializeNamespace } from "../serializers";

/**
 * Namespaces and groups. Ferry's groups have no visibility of their own: a caller sees the
 * namespaces they own or are a member of (and everything below those); administrators see all.
 */

async function visibleNamespacesWhere(caller: ApiCaller, minRole: Role | null = null): Promise<Prisma.NamespaceWhereInput> {
  if (caller.isAdmin && minRole === null) return {};
  return { id: { in: await namespaceIdsWithRole(caller.id, minRole) } };
}

async function findVisibleNamespace(caller: ApiCaller, idOrPath: string, kind: "group" | null): Promise<NamespaceItem | null> {
  return findNamespace(idOrPath, { AND: [await visibleNamespacesWhere(caller), kind ? { kind } : {}] });
}

function searchWhere(search: string | undefined): Prisma.NamespaceWhereInput {
  return search ? { OR: [{ name: { contains: search, mode: "insensitive" } }, { fullPath: { contains: search, mode: "insensitive" } }] } : {};
}

const listNamespaces = apiRoute(
  { name: "list namespaces", access: "read", query: z.object({ ...paginationQuery, search: apiString().optional(), owned_only: apiBoolean().optional() }) },
  async ({ caller, query, request }) => {
    const where: Prisma.NamespaceWhereInput = { AND: [await visibleNamespacesWhere(caller, query.owned_only ? "owner" : null), searchWhere(query.search)] };
    return paginatedList(request, await readNamespaces(where, { orderBy: "id", ...pageOptions(query) }), (rows) => rows.map(serializeNamespace));
  },
);

const showNamespace = apiRoute({ name: "show namespace", access: "read" }, async ({ caller, params }) => {
  const namespace = await findVisibleNamespace(caller, params.id!, null);
  if (!namespace) throw notFound("Namespace");
  return serializeNamespace(namespace);
});

async function serializeGroups(groups: NamespaceItem[]) {
  const names = await namespaceFullNames(groups.map((group) => group.fullPath));
  return groups.map((group) => serializeGroup(group, names.get(group.fullPath) ?? group.name));
}

const listGroups = apiRoute(
  {
    name: "list groups",
    access: "read",
    query: z.object({ ...paginationQuery, ...membershipQuery, top_level_only: apiBoolean().optional() }),
  },
  async ({ caller, query, request }) => {
    const where: Prisma.NamespaceWhereInput = {
      AND: [{ kind: "group" }, await visibleNamespacesWhere(caller, minRoleOf(query)), searchWhere(query.search), query.top_level_only ? { parentId: null } : {}],
    };
    return paginatedList(request, await readNamespaces(where, { orderBy: "full_path", ...pageOptions(query) }), serializeGroups);
  },
);

const showGroup = apiRoute({ name: "show group", access: "read" }, async ({ caller, params }) => {
  const group = await findVisibleNamespace(caller, params.id!, "group");
  if (!group) throw notFound("Group");
  return (await serializeGroups([group]))[0];
});

const createGroupSchema = z.object({
  name: apiString(),
  path: apiString(),
  parent_id: apiId().optional(),
  description: apiString().optional(),
  visibility: apiString().optional(),
});

/** `POST /groups`: top-level groups by anyone signed in; subgroups by Maintainers and Owners of the parent (or admins). */
const createGroup = apiRoute({ name: "create group", access: "write", body: createGroupSchema }, async ({ caller, body }) => {
  const name = body.name.trim();
  const path = body.path.trim();
  if (!name) throw new ApiError(400, { message: "Failed to save group: name can't be blank" });
  const problem = pathProblem(path, { topLevel: body.parent_id === undefined });
  if (problem) throw new ApiError(400, { message: `Failed to save group: path ${pathProblemMessage(problem)}` });

  let parent: NamespaceItem | null = null;
  if (body.parent_id !== undefined) {
    parent = await findVisibleNamespace(caller, String(body.parent_id), "group");
    if (!parent) throw notFound("Parent Group");
    if (!(await canImportInto(caller, parent.id))) throw new ApiError(403, { message: "403 Forbidden - You don't have permission to create a subgroup in this group." });
  }
  const fullPath = parent ? `${parent.fullPath}/${path}` : path;
  const taken = parent
    ? await db.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { id: true } })
    : await isUsernameTaken(path);
  if (taken) throw new ApiError(400, { message: "Failed to save group: path has already been taken" });

  let group: NamespaceItem;
  try {
    group = await db.$transaction(async (tx) => {
      const created = await tx.namespace.create({
        data: { kind: "group", name, path, fullPath, parentId: parent?.id ?? null, description: body.description ?? null },
        select: namespaceSelect,
      });
      await tx.membership.create({ data: { userId: caller.id, namespaceId: created.id, role: "owner" } });
      return created;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ApiError(400, { message: "Failed to save group: path has already been taken" });
    throw error;
  }
  return apiResponse((await serializeGroups([group]))[0], { status: 201 });
});

export const namespaceRoutes: ApiRoutes = {
  "/namespaces": { GET: listNamespaces },
  "/namespaces/:id": { GET: showNamespace },
  "/groups": { GET: listGroups, POST: createGroup },
  "/groups/:id": { GET: showGroup },
};
