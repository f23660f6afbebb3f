import {
  convertBody,
  escapeMarkdownInline,
  withAttribution,
  type MentionTarget,
} from "@/lib/import/content";
import { longestBacktickRun } from "@/lib/import/content/escape";
import { logValue, type ArchiveUser, type ExportLog } from "./export-format";

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

const FIELD_NAMES: Record<string, string> = {
  responsible: "assignee",
  assignee: "assignee",
  status: "status",
  state: "status",
  priority: "priority",
  kind: "kind",
  title: "title",
  milestone: "milestone",
  version: "version",
  component: "component",
};

function quoted(value: string): string {
  return escapeMarkdownInline(value.length > 200 ? `${value.slice(0, 197)}…` : value);
}

/**
 * The system note for one change log: "changed status from new to resolved", "changed assignee
 * from alice to bob", "changed the description", "added attachment log.txt". `"None"` and `""`
 * count as empty: "changed milestone to 1.0", "cleared assignee (was alice)".
 */
export function systemNoteBody(log: Pick<ExportLog, "field" | "changedFrom" | "changedTo">): string {
  const from = logValue(log.changedFrom);
  const to = logValue(log.changedTo);
  if (log.field === "content") return "changed the description";
  if (log.field === "attachment") {
    if (to) return `added attachment ${quoted(to.split("/").pop() ?? to)}`;
    if (from) return `removed attachment ${quoted(from.split("/").pop() ?? from)}`;
    return "changed the attachments";
  }
  const field = FIELD_NAMES[log.field] ?? escapeMarkdownInline(log.field.replace(/_/g, " "));
  if (log.field === "title") {
    if (from && to) return `changed title from **${quoted(from)}** to **${quoted(to)}**`;
    return to ? `changed title to **${quoted(to)}**` : "changed the title";
  }
  if (from && to) return `changed ${field} from ${quoted(from)} to ${quoted(to)}`;
  if (to) return `changed ${field} to ${quoted(to)}`;
  if (from) return `cleared ${field} (was ${quoted(from)})`;
  return `changed ${field}`;
}
