/**
 * Case-insensitive exact match for names (usernames, e-mail addresses, namespace and project
 * paths). Prisma compiles `mode: "insensitive"` to `ILIKE`, where `%` and `_` are wildcards and
 * `\` escapes; escaping them leaves a comparison that only ignores case: `al_ce` never finds `alice`.
 */
export function sameTextIgnoringCase(value: string): { equals: string; mode: "insensitive" } {
  return { equals: value.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" };
}
