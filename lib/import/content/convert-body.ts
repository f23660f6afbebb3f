import { markdownLiteral, markupToMarkdown } from "@/lib/projects/creole";
import { CHANGESET_PATTERN, convertChangesetRefsInProse, convertCodeLanguageHints } from "./bitbucket-markup";
import { mapMatches, mapProse } from "./markdown-structure";
import { convertMentionsInProse, MENTION_PATTERN, type MentionResolver } from "./mentions";
import { createUrlRewriter, isRelativeTarget, rewriteUrlsInProse, type ReferenceOptions } from "./references";
import { linkShortReferencesInProse, SHORT_REFERENCE_SOURCE } from "./short-references";

export type ConvertBodyContext = ReferenceOptions & {
  /** Looks up the source user of a `@{…}` mention; see convertMentions. */
  resolveMention: MentionResolver;
  /**
   * What the text is written in (Bitbucket's `content.markup`): `creole` and `plaintext` are
   * converted to markdown first; anything else (`markdown`, unknown, absent) is markdown.
   */
  markup?: string | null;
};

/** A mention, a `<<cset …>>` or a short reference: what plain text of another markup may hold that becomes a link. */
const LINKABLE_TOKEN = new RegExp(`${MENTION_PATTERN.source}|${CHANGESET_PATTERN.source}|${SHORT_REFERENCE_SOURCE}`, "giu");

/**
 * Converts one imported text (a description or a comment, both alike):
 *
 * 1. Text in another markup (Creole, plain text) becomes markdown through the converter wiki pages
 *    use; its page links point into the project's wiki. Otherwise Bitbucket language hints
 *    (`#!python` on a code block's first line) become fence info strings; this changes block
 *    structure, so it runs first and the rest sees the final code blocks.
 * 2. Then, in one pass over the prose only (code spans and code blocks stay literal):
 *    mentions, then `<<cset …>>` commit references, then short references (`#4`, `!3`), then
 *    links to the source repository. Mentions go first so that what they produce (Ferry profile
 *    links, display names escaped against auto-linking) is never mistaken for a source link by
 *    the later steps. In text of another markup, the first three apply to its plain text while
 *    it is converted (its plain text is escaped to show as written, which they must precede).
 *
 * Idempotent on markdown: converting converted text changes nothing. Attribution
 * (`withAttribution`) is a separate step because it depends on the author, not on the text.
 */
export function convertBody(text: string, context: ConvertBodyContext): string {
  if (!text) return text ?? "";
  const rewrite = createUrlRewriter(context);
  const relativeTarget = isRelativeTarget(context.targetProjectUrl);
  const target = context.targetProjectUrl;
  const linkTokens = (prose: string) =>
    linkShortReferencesInProse(convertChangesetRefsInProse(convertMentionsInProse(prose, context.resolveMention), target), target);
  if (context.markup === "creole" || context.markup === "plaintext") {
    const markdown = markupToMarkdown(text, context.markup, {
      pageBase: `${target.replace(/\/+$/, "")}/-/wikis/`,
      plainText: (plain) => mapMatches(plain, LINKABLE_TOKEN, linkTokens, markdownLiteral),
    });
    return mapProse(markdown, (prose) => rewriteUrlsInProse(prose, rewrite, relativeTarget));
  }
  return mapProse(convertCodeLanguageHints(text), (prose) => rewriteUrlsInProse(linkTokens(prose), rewrite, relativeTarget));
}
