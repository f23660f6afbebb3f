import type { Role } from "@/lib/generated/prisma/enums";
import { apiBoolean, apiInt, apiString } from "./params";
import { roleForAccessLevel } from "./serializers";

/** The query parameters lists of projects and groups share: a search, and the caller's own ones by role. */
export const membershipQuery = {
  search: apiString().optional(),
  owned: apiBoolean().optional(),
  min_access_level: apiInt().optional(),
};

/** The least role `owned` or `min_access_level` asks for; null when neither is given. */
export function minRoleOf(query: { owned?: boolean; min_access_level?: number }): Role | null {
  if (query.owned) return "owner";
  return query.min_access_level !== undefined ? (roleForAccessLevel(query.min_access_level) ?? "guest") : null;
}
