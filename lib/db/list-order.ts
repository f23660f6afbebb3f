/** How issue and merge request lists may be ordered: by creation or update time, then by iid, newest first by default. */
export type ListOrder = { orderBy?: "created_at" | "updated_at"; sort?: "asc" | "desc" };

export function listOrderBy(order: ListOrder) {
  const direction = order.sort ?? "desc";
  return [order.orderBy === "updated_at" ? { updatedAt: direction } : { createdAt: direction }, { iid: direction }];
}

/** Title or description containing `search`, ignoring case. */
export function textSearch(search: string | undefined) {
  return search ? { OR: [{ title: { contains: search, mode: "insensitive" as const } }, { description: { contains: search, mode: "insensitive" as const } }] } : {};
}
