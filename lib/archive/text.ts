import { convertBody, withAttribution, type MentionTarget } from "@/lib/import/content";
import { longestBacktickRun } from "@/lib/import/content/escape";
import { issueChangeNoteBody } from "@/lib/import/issue-mapping";
import type { ArchiveUser, ExportLog } from "./export-format";

/**
 * Text of archive imports: issue descriptions and comments go through the same conversion as the
 * API import (lib/import/content: `#!lang` hints, `<<cset …>>` commit links, mentions, links to
 * the source repository, attribution); change logs become one-line system notes.
 */

/**
 * Old Bitbucket trackers wrote code blocks Creole-style, `{{{` and `}}}` on lines of their own
 * (often with a `#!lang` first line). They become fenced blocks, so the language hint is picked
 * up by the shared conversion.
 */
export function convertBraceCodeBlocks(text: string): string {
  if (!text.includes("{{{")) return text;
  const lines = text.split("\n");
  const out: string[] = [];
  let block: string[] | null = null;
  let openingIndex = -1;
  for (const line of lines) {
    if (block === null) {
      if (line.trim() === "{{{") {
        block = [];
        openingIndex = out.length;
        out.push("");
      } else {
        out.push(line);
      }
      continue;
    }
    if (line.trim() === "}}}") {
      const fence = "`".repeat(Math.max(3, longestBacktickRun(block.join("\n")) + 1));
      out[openingIndex] = fence;
      out.push(...block, fence);
      block = null;
    } else {
      block.push(line);
    }
  }
  // An unclosed block stays as written.
  if (block !== null) out[openingIndex] = "{{{", out.push(...block);
  return out.join("\n");
}

export type ArchiveTextOptions = {
  /** The source repository's web URL when known (links to it are rewritten); null otherwise. */
  sourceRepositoryUrl: string | null;
  /** The Ferry project's URL: commit links point into it. */
  targetProjectUrl: string;
  /** Mentions (`@{account_id}`) by account id. */
  mentions: ReadonlyMap<string, MentionTarget>;
};

export type ArchiveTextConverter = (text: string, author: ArchiveUser | null, mapped: boolean) => string;

/**
 * Stands in for the source repository when the export does not name it: under the reserved
 * `.invalid` domain (RFC 2606) it matches no link, so only the link rewriting is skipped and the
 * text still goes through the shared conversion in one pass.
 */
const UNKNOWN_SOURCE_REPOSITORY = "https://bitbucket.invalid/unknown/repository";

function usableRepositoryUrl(url: string | null): string {
  if (!url) return UNKNOWN_SOURCE_REPOSITORY;
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) && parsed.pathname.split("/").filter(Boolean).length > 0 ? url : UNKNOWN_SOURCE_REPOSITORY;
  } catch {
    return UNKNOWN_SOURCE_REPOSITORY;
  }
}

export function createArchiveTextConverter(options: ArchiveTextOptions): ArchiveTextConverter {
  const context = {
    sourceRepositoryUrl: usableRepositoryUrl(options.sourceRepositoryUrl),
    targetProjectUrl: options.targetProjectUrl,
    resolveMention: (id: string) => options.mentions.get(id) ?? null,
  };
  const convert = (text: string): string => convertBody(text, context);
  return (text, author, mapped) => {
    const normalized = convertBraceCodeBlocks((text ?? "").replace(/\r\n?/g, "\n"));
    return withAttribution(convert(normalized), author ? { username: author.username, displayName: author.displayName } : null, mapped);
  };
}

/** The system note for one change log; see issueChangeNoteBody. */
export function systemNoteBody(log: Pick<ExportLog, "field" | "changedFrom" | "changedTo">): string {
  return issueChangeNoteBody(log.field, log.changedFrom, log.changedTo);
}
