/**
 * Conversion of imported text (descriptions and comments) for Ferry. Pure functions, no I/O.
 *
 * The pipeline calls `convertBody` on every text and `withAttribution` when the author is not a
 * Ferry user; `inlineCommentFallback` heads diff comments whose position cannot be resolved.
 */
export { convertBody, type ConvertBodyContext } from "./convert-body";
export {
  rewriteReferences,
  createUrlRewriter,
  sourceNoteAnchor,
  type ReferenceOptions,
  type UrlRewriter,
} from "./references";
export { convertMentions, formatMention, userProfilePath, type MentionResolver, type MentionTarget } from "./mentions";
export { attributionPrefix, attributionName, withAttribution, type AttributedUser } from "./attribution";
export { inlineCommentFallback, type InlinePosition } from "./inline-comment";
export { convertChangesetRefs, convertCodeLanguageHints } from "./bitbucket-markup";
export { linkShortReferencesInProse } from "./short-references";
export { escapeMarkdownInline, codeSpan } from "./escape";
export { mapProse, codeBlocks, type CodeBlock } from "./markdown-structure";
