import { z } from "zod";
import { badRequest, type ApiError } from "./errors";

/**
 * zod building blocks for API parameters. Query strings and form bodies carry only strings, so
 * numbers and booleans are accepted as strings too ("12", "true", "True", "yes"), as GitLab accepts them;
 * anything else of the wrong type is refused with the field named.
 */

export const apiString = () => z.string({ error: "must be a string" });

export const apiInt = () =>
  z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value),
    z.number({ error: "must be an integer" }).int({ error: "must be an integer" }),
  );

/** A positive integer id (numeric ids in paths and bodies). */
export const apiId = () => apiInt().pipe(z.number().int().positive({ error: "must be a positive integer" }));

/** The spellings GitLab's parameter coercion reads as booleans, in any case ("True" is how Python prints one). */
const BOOLEAN_SPELLINGS = new Map<string, boolean>([
  ...["true", "t", "yes", "y", "on", "1"].map((spelling) => [spelling, true] as const),
  ...["false", "f", "no", "n", "off", "0"].map((spelling) => [spelling, false] as const),
]);

export const apiBoolean = () =>
  z.preprocess(
    (value) => (typeof value === "string" ? (BOOLEAN_SPELLINGS.get(value.toLowerCase()) ?? value) : value),
    z.boolean({ error: "must be a boolean (true or false)" }),
  );

/** A list: repeated parameters (`iids[]=1&iids[]=2`) or one value. */
export const apiList = <Item extends z.ZodType>(item: Item) =>
  z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item, { error: "must be a list" }));

/** A comma-separated list in one value (`labels=bug,ui`), or repeated parameters. */
export const apiCommaList = () =>
  z.preprocess(
    (value) => (typeof value === "string" ? value.split(",").map((part) => part.trim()).filter(Boolean) : value),
    z.array(z.string({ error: "must be a string" }), { error: "must be a comma-separated list" }),
  );

export const apiEnum = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: `must be one of: ${values.join(", ")}` });

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * GitLab's wording for invalid parameters, naming every field:
 * "repo_path is missing, project_id is invalid (must be an integer)".
 */
export function describeValidationError(error: z.ZodError, input: unknown): string {
  const problems = new Map<string, string>();
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "body";
    if (problems.has(field)) continue;
    const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined && issue.code === "invalid_type";
    problems.set(field, missing ? `${field} is missing` : `${field} is invalid (${issue.message})`);
  }
  return [...problems.values()].join(", ");
}

export function validationProblem(error: z.ZodError, input: unknown): ApiError {
  return badRequest(describeValidationError(error, input));
}
