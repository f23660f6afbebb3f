import { convertChangesetRefsInProse, convertCodeLanguageHints } from "./bitbucket-markup";
import { mapProse } from "./markdown-structure";
import { convertMentionsInProse, type MentionResolver } from "./mentions";
import { createUrlRewriter, isRelativeTarget, rewriteUrlsInProse, type ReferenceOptions } from "./references";

export type ConvertBodyContext = ReferenceOptions & {
  /** Looks up the source user of a `@{…}` mention; see convertMentions. */
  resolveMention: MentionResolver;
};

/**
 * Converts one imported markdown text (a description or a comment, both alike):
 *
 * 1. Bitbucket language hints (`#!python` on a code block's first line) become fence info strings;
 *    this changes block structure, so it runs first and the rest sees the final code blocks.
 * 2. Then, in one pass over the prose only (code spans and code blocks stay literal):
 *    mentions, then `<<cset …>>` commit references, then links to the source repository.
 *    Mentions go first so that what they produce (Ferry profile links, display names escaped
 *    against auto-linking) is never mistaken for a source link by the later steps.
 *
 * Idempotent: converting converted text changes nothing. Attribution (`withAttribution`) is a
 * separate step because it depends on the author, not on the text.
 */
export function convertBody(text: string, context: ConvertBodyContext): string {
  if (!text) return text ?? "";
  const rewrite = createUrlRewriter(context);
  const relativeTarget = isRelativeTarget(context.targetProjectUrl);
  return mapProse(convertCodeLanguageHints(text), (prose) =>
    rewriteUrlsInProse(
      convertChangesetRefsInProse(convertMentionsInProse(prose, context.resolveMention), context.targetProjectUrl),
      rewrite,
      relativeTarget,
    ),
  );
}
