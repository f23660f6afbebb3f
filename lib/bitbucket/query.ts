/**
 * Bitbucket's filter language (`q=`): https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering
 * Strings are double-quoted; `\` and `"` inside them must be backslash-escaped.
 */

/** A BBQL string literal: `"..."` with `\` and `"` escaped. */
export function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * Repositories whose display name or slug contains the text (case-insensitive), safe for any user
 * input: lists show "workspace/slug", so a slug must find its repository as well as a name does.
 */
export function nameFilterQuery(text: string): string {
  const literal = bbqlString(text);
  return `(name ~ ${literal} OR slug ~ ${literal})`;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
export type QueryParams = Record<string, QueryValue>;

/**
 * Query string for Bitbucket: URLSearchParams encoding (so a literal `+`, as in
 * `fields=+values.reviewers`, becomes %2B) with spaces as %20 rather than `+`.
 * Arrays repeat the key (`state=OPEN&state=MERGED`); null/undefined are skipped.
 * `existing` (a URL's search) is kept, except keys that `params` replaces.
 */
export function encodeQuery(params: QueryParams, existing = ""): string {
  const search = new URLSearchParams(existing);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    search.delete(key);
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  // After URLSearchParams every literal "+" is "%2B", so the remaining "+" are spaces.
  return search.toString().replace(/\+/g, "%20");
}
