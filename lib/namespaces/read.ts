import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { db, type Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";

/** Namespaces (users' personal ones and groups) as the pages and the API read them. */

export const namespaceSelect = {
  id: true,
  kind: true,
  name: true,
  path: true,
  fullPath: true,
  parentId: true,
  description: true,
  createdAt: true,
  owner: { select: { number: true } },
} satisfies Prisma.NamespaceSelect;
export type NamespaceItem = Prisma.NamespaceGetPayload<{ select: typeof namespaceSelect }>;

/**
 * "Acme / Platform / Tools" for namespace full paths, from the namespaces' names (one query for
 * any number of paths).
 */
export async function namespaceFullNames(fullPaths: readonly string[]): Promise<Map<string, string>> {
  const prefixes = new Set<string>();
  for (const fullPath of fullPaths) {
    const segments = fullPath.split("/");
    for (let index = 1; index <= segments.length; index++) prefixes.add(segments.slice(0, index).join("/"));
  }
  const rows = prefixes.size ? await db.namespace.findMany({ where: { fullPath: { in: [...prefixes] } }, select: { fullPath: true, name: true } }) : [];
  const names = new Map(rows.map((row) => [row.fullPath, row.name]));
  const result = new Map<string, string>();
  for (const fullPath of fullPaths) {
    const segments = fullPath.split("/");
    const parts = segments.map((segment, index) => names.get(segments.slice(0, index + 1).join("/")) ?? segment);
    result.set(fullPath, parts.join(" / "));
  }
  return result;
}

/** The full name of one namespace path. */
export async function namespaceFullName(fullPath: string): Promise<string> {
  return (await namespaceFullNames([fullPath])).get(fullPath) ?? fullPath;
}

/** One page of the namespaces matching `where` (the caller's access filter among them). */
export async function listNamespaces(
  where: Prisma.NamespaceWhereInput,
  options: { orderBy: "id" | "full_path" } & PageOptions,
): Promise<Paged<NamespaceItem>> {
  return loadPage(
    options,
    (range) => db.namespace.findMany({ where, select: namespaceSelect, orderBy: options.orderBy === "id" ? { id: "asc" } : { fullPath: "asc" }, ...range }),
    () => db.namespace.count({ where }),
  );
}

/** The namespace by id or full path (ignoring case) among those matching `where`. */
export async function findNamespace(idOrPath: string, where: Prisma.NamespaceWhereInput): Promise<NamespaceItem | null> {
  const value = idOrPath.trim();
  if (!value) return null;
  const match: Prisma.NamespaceWhereInput = /^\d{1,10}$/.test(value) ? { id: Number(value) } : { fullPath: sameTextIgnoringCase(value) };
  return db.namespace.findFirst({ where: { AND: [match, where] }, select: namespaceSelect });
}
