import { codeSpan } from "./escape";

/** Where an inline (diff) comment was made: the file and its line in the old and/or new version. */
export type InlinePosition = {
  path: string;
  /** Line in the old version (Bitbucket's `from`); null for a comment on an added line. */
  oldLine: number | null;
  /** Line in the new version (Bitbucket's `to`); null for a comment on a removed line. */
  newLine: number | null;
};

const validLine = (line: number | null | undefined): line is number => typeof line === "number" && Number.isInteger(line) && line > 0;

/**
 * The first line of a diff comment that is kept as a plain note because its diff position could
 * not be resolved (the file or lines are not in the imported diff). The path is a code span so
 * characters like `__init__.py` render as written:
 *
 * - both lines: `*Comment on `src/app.ts`, old line 3 → new line 5*`
 * - added line: `*Comment on `src/app.ts`, new line 5*`
 * - removed line: `*Comment on `src/app.ts`, old line 3*`
 * - neither (a comment on the file): `*Comment on `src/app.ts`*`
 *
 * Returns a single line without a trailing newline; callers add the blank line before the body.
 */
export function inlineCommentFallback({ path, oldLine, newLine }: InlinePosition): string {
  const file = codeSpan(path || "(unknown file)");
  const hasOld = validLine(oldLine);
  const hasNew = validLine(newLine);
  const lines =
    hasOld && hasNew ? `, old line ${oldLine} → new line ${newLine}` : hasNew ? `, new line ${newLine}` : hasOld ? `, old line ${oldLine}` : "";
  return `*Comment on ${file}${lines}*`;
}
