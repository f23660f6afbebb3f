import { linkTextChecker } from "./mentions";

/**
 * Short references in imported prose become links into the Ferry project (issue and pull request
 * numbers are kept by the import, so they mean the same thing there):
 *
 * | written                                  | links to                     |
 * |------------------------------------------|------------------------------|
 * | `#4`, `issue #4` (`Closes #2`: the `#2`) | `{project}/-/issues/4`       |
 * | `pull request #3`, `!3`                  | `{project}/-/merge_requests/3` |
 *
 * The words stay as written and become the link text (`[pull request #3](…)`). A reference glued
 * to a word, a path or another reference (`abc#4`, `/#4`, `&#4`, `[#4]`, `\#4`) is not one, nor is
 * one inside a link's text; code is left alone by the caller (mapProse).
 */
const SHORT_REFERENCE = /(?<![\p{L}\p{N}_&#!\\/[\]])(?:(issue|pull request)[ \t]+)?([#!])(\d{1,9})(?![\p{L}\p{N}_])/giu;

/** The same pattern, for callers that pick references out of a longer text. */
export const SHORT_REFERENCE_SOURCE = SHORT_REFERENCE.source;

function referencePath(word: string | undefined, sigil: string, number: string): string | null {
  const kind = word?.toLowerCase();
  if (sigil === "!") return kind === "issue" ? null : `/-/merge_requests/${number}`;
  return kind === "pull request" ? `/-/merge_requests/${number}` : `/-/issues/${number}`;
}

/** Links the short references in one stretch of prose (no code in it); time linear in its length. */
export function linkShortReferencesInProse(prose: string, targetProjectUrl: string): string {
  if (!prose.includes("#") && !prose.includes("!")) return prose;
  const target = targetProjectUrl.replace(/\/+$/, "");
  const isInLinkText = linkTextChecker(prose);
  return prose.replace(SHORT_REFERENCE, (original: string, word: string | undefined, sigil: string, number: string, offset: number) => {
    const path = referencePath(word, sigil, String(Number(number)));
    if (path === null || isInLinkText(offset, offset + original.length)) return original;
    return `[${original.replace(/[ \t]+/, " ")}](${target}${path})`;
  });
}
