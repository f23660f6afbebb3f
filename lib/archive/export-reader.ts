import path from "node:path";
import { AppError } from "@/lib/errors";
import {
  namesOf,
  normalizeAttachment,
  normalizeComment,
  normalizeIssue,
  normalizeLog,
  parseArchiveUser,
  userFormatOf,
  type ArchiveUser,
  type ExportAttachment,
  type ExportComment,
  type ExportIssue,
  type ExportLog,
  type UserFormat,
} from "./export-format";
import { readJsonRecords } from "./json-records";
import { SpillFile, type SpillSlot } from "./spill";
import type { SafeZip } from "./zip";

/**
 * The first pass over an export: streams the chosen JSON file once, checks and counts every
 * record, and spills them to a temporary file grouped by issue, so the import can then take one
 * issue at a time with its comments, change logs and attachments, whatever order the file used
 * and however large it is.
 */

export type ExportWarn = (code: string, message: string) => void;

export type ExportCounts = {
  issues: number;
  comments: number;
  /** Comments without content (created by a field change). */
  stubComments: number;
  logs: number;
  attachments: number;
  /** Records that could not be read or lacked what they need. */
  skippedRecords: number;
  /** Comments, logs and attachments of issues that are not in the export. */
  orphans: number;
};

export type ExportSummary = {
  /** The JSON file read, e.g. "db-2.0.json". */
  jsonEntry: string;
  userFormat: UserFormat | null;
  /** Issue numbers, ascending. */
  issueIds: number[];
  counts: ExportCounts;
  /** Every distinct user seen. */
  users: ArchiveUser[];
  milestones: string[];
  components: string[];
  versions: string[];
  /** The repository's web URL when the export names it (attachment URLs of newer exports). */
  sourceRepositoryUrl: string | null;
  /** The JSON ended early; what came before was kept. */
  truncated: boolean;
};

export type IssueChildren = { comments: ExportComment[]; logs: ExportLog[]; attachments: ExportAttachment[] };

const CHILD_KINDS = ["comments", "logs", "attachments"] as const;
type ChildKind = (typeof CHILD_KINDS)[number];
const KIND_CODE: Record<ChildKind, number> = { comments: 0, logs: 1, attachments: 2 };

type Slots = { issue: SpillSlot | null; children: number[] };

export function userKey(user: ArchiveUser): string {
  if (user.accountId) return `account:${user.accountId}`;
  if (user.username) return `username:${user.username.toLowerCase()}`;
  return `name:${user.displayName ?? ""}`;
}

const EXPORT_FILES = ["db-2.0.json", "db-1.0.json"];

/** The export's JSON entries, best first: db-2.0.json, then db-1.0.json, the shallowest of each. */
export function exportJsonEntries(names: readonly string[]): string[] {
  const result: string[] = [];
  for (const file of EXPORT_FILES) {
    const matches = names.filter((name) => path.posix.basename(name) === file).sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
    if (matches[0]) result.push(matches[0]);
  }
  return result;
}

/** `https://bitbucket.org/ws/repo` from an attachment URL `https://bitbucket.org/ws/repo/issues/attachments/…`. */
export function repositoryUrlFromAttachmentUrl(url: string): string | null {
  const match = /^(https?:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+)\/issues\/attachments\//i.exec(url);
  return match ? match[1]! : null;
}

function* usersOf(record: Record<string, unknown>, keys: readonly string[]): Generator<unknown> {
  for (const key of keys) {
    const value = record[key];
    if (Array.isArray(value)) yield* value;
    else yield value;
  }
}

export class ExportReader {
  private constructor(
    readonly summary: ExportSummary,
    private readonly spill: SpillFile,
    private readonly slots: Map<number, Slots>,
  ) {}

  /**
   * Reads the export in `zip`. Throws only when there is no usable JSON file; everything else is
   * reported through `warn` and skipped.
   */
  static async scan(zip: SafeZip, options: { spillDirectory: string; warn: ExportWarn; onProgress?: (fraction: number) => void | Promise<void> }): Promise<ExportReader> {
    const candidates = exportJsonEntries(zip.entries().map((entry) => entry.name));
    if (candidates.length === 0) {
      throw exportFormatError("This is not a Bitbucket issue export: the archive has neither db-2.0.json nor db-1.0.json.");
    }
    let lastProblem = "";
    for (const [position, entry] of candidates.entries()) {
      const attempt = await ExportReader.scanEntry(zip, entry, options);
      if (attempt.reader) {
        if (position > 0) options.warn("export_fallback", `${candidates[0]} could not be used (${lastProblem}); ${entry} was imported instead.`);
        return attempt.reader;
      }
      lastProblem = attempt.problem;
    }
    throw exportFormatError(`The export could not be read: ${candidates.join(" and ")} ${candidates.length > 1 ? "are" : "is"} not usable (${lastProblem}).`);
  }

  private static async scanEntry(
    zip: SafeZip,
    entry: string,
    options: { spillDirectory: string; warn: ExportWarn; onProgress?: (fraction: number) => void | Promise<void> },
  ): Promise<{ reader: ExportReader; problem?: undefined } | { reader?: undefined; problem: string }> {
    const size = zip.entry(entry)?.size ?? 0;
    const spill = await SpillFile.create(options.spillDirectory, `${path.posix.basename(entry)}.records`);
    const slots = new Map<number, Slots>();
    const users = new Map<string, ArchiveUser>();
    const commentIds = new Set<number>();
    const counts: ExportCounts = { issues: 0, comments: 0, stubComments: 0, logs: 0, attachments: 0, skippedRecords: 0, orphans: 0 };
    const lists = { milestones: [] as string[], components: [] as string[], versions: [] as string[] };
    let userFormat: UserFormat | null = null;
    let sourceRepositoryUrl: string | null = null;
    let truncated = false;
    let invalid: string | null = null;
    const warnings: Array<[string, string]> = [];
    const warn = (code: string, message: string) => warnings.push([code, message]);
    const skip = (what: string, reason: string) => {
      counts.skippedRecords++;
      warn("record_skipped", `Skipped ${what}: ${reason}.`);
    };

    const slotsFor = (issue: number): Slots => {
      let entrySlots = slots.get(issue);
      if (!entrySlots) {
        entrySlots = { issue: null, children: [] };
        slots.set(issue, entrySlots);
      }
      return entrySlots;
    };
    const noteUsers = (record: Record<string, unknown>, keys: readonly string[]) => {
      for (const value of usersOf(record, keys)) {
        userFormat ??= userFormatOf(value);
        const normalized = parseArchiveUser(value);
        if (normalized) users.set(userKey(normalized), normalized);
      }
    };

    const stream = await zip.open(entry);
    let read = 0;
    let lastReported = 0;
    const counted = (async function* () {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (options.onProgress && size > 0 && read - lastReported > 1024 * 1024) {
          lastReported = read;
          await options.onProgress(Math.min(1, read / size));
        }
        yield chunk;
      }
    })();

    try {
      for await (const event of readJsonRecords(counted)) {
        if (event.type === "invalid") {
          invalid = event.reason;
          break;
        }
        if (event.type === "truncated") {
          truncated = true;
          warn(
            "export_truncated",
            `${entry} ends early${event.key ? ` (inside "${event.key}"${event.index !== null ? `, record ${event.index + 1}` : ""})` : ""}; everything before that point was imported.`,
          );
          continue;
        }
        if (event.type === "skipped") {
          skip(event.index !== null ? `${event.key} record ${event.index + 1}` : `the value of "${event.key}"`, `${event.reason} (${event.excerpt})`);
          continue;
        }
        if (event.type === "value") {
          if (event.key in lists) warn("record_skipped", `"${event.key}" is not a list; it was ignored.`);
          continue;
        }
        const { key, index, value } = event;
        switch (key) {
          case "issues": {
            const issue = normalizeIssue(value);
            if (!issue.ok) {
              skip(`issues record ${index + 1}`, issue.reason);
              break;
            }
            const entrySlots = slotsFor(issue.value.id);
            if (entrySlots.issue) {
              skip(`issues record ${index + 1}`, `issue #${issue.value.id} appears more than once; the first one was kept`);
              break;
            }
            entrySlots.issue = await spill.append(JSON.stringify(value));
            counts.issues++;
            noteUsers(value as Record<string, unknown>, ["reporter", "assignee", "watchers", "voters"]);
            break;
          }
          case "comments":
          case "logs":
          case "attachments": {
            const normalized = key === "comments" ? normalizeComment(value) : key === "logs" ? normalizeLog(value) : normalizeAttachment(value);
            if (!normalized.ok) {
              skip(`${key} record ${index + 1}`, normalized.reason);
              break;
            }
            if (key === "comments") {
              const comment = normalized.value as ExportComment;
              if (commentIds.has(comment.id)) {
                skip(`comments record ${index + 1}`, `comment ${comment.id} appears more than once; the first one was kept`);
                break;
              }
              commentIds.add(comment.id);
              counts.comments++;
              if (comment.content === null || !comment.content.trim()) counts.stubComments++;
            } else if (key === "logs") {
              counts.logs++;
            } else {
              counts.attachments++;
              const url = (normalized.value as ExportAttachment).url;
              if (url && !sourceRepositoryUrl) sourceRepositoryUrl = repositoryUrlFromAttachmentUrl(url);
            }
            noteUsers(value as Record<string, unknown>, ["user"]);
            const slot = await spill.append(JSON.stringify(value));
            slotsFor((normalized.value as { issue: number }).issue).children.push(KIND_CODE[key], slot.offset, slot.length);
            break;
          }
          case "milestones":
          case "components":
          case "versions":
            lists[key].push(...namesOf([value]));
            break;
          default:
            // meta, and anything a future export adds: not needed.
            break;
        }
      }
    } catch (error) {
      await spill.close();
      throw error;
    }
    await spill.flush();
    await options.onProgress?.(1);

    if (invalid !== null || counts.issues === 0) {
      await spill.close();
      return { problem: invalid ?? `${entry} lists no issues` };
    }

    for (const [code, message] of warnings) options.warn(code, message);
    for (const [issue, entrySlots] of slots) {
      if (entrySlots.issue) continue;
      counts.orphans += entrySlots.children.length / 3;
      slots.delete(issue);
    }
    if (counts.orphans > 0) {
      options.warn("orphan_records", `${counts.orphans} comment(s), change log(s) or attachment(s) belong to issues that are not in the export; they were skipped.`);
    }
    const issueIds = [...slots.keys()].sort((a, b) => a - b);
    const summary: ExportSummary = {
      jsonEntry: entry,
      userFormat,
      issueIds,
      counts,
      users: [...users.values()],
      milestones: unique(lists.milestones),
      components: unique(lists.components),
      versions: unique(lists.versions),
      sourceRepositoryUrl,
      truncated,
    };
    return { reader: new ExportReader(summary, spill, slots) };
  }

  async issue(id: number): Promise<ExportIssue> {
    const slot = this.slots.get(id)?.issue;
    if (!slot) throw new Error(`Issue #${id} is not in the export`);
    const normalized = normalizeIssue(JSON.parse(await this.spill.read(slot)));
    if (!normalized.ok) throw new Error(`Issue #${id}: ${normalized.reason}`);
    return normalized.value;
  }

  /** The issue's comments (oldest first), change logs (oldest first) and attachments (as listed). */
  async children(id: number): Promise<IssueChildren> {
    const result: IssueChildren = { comments: [], logs: [], attachments: [] };
    const children = this.slots.get(id)?.children ?? [];
    for (let i = 0; i < children.length; i += 3) {
      const raw: unknown = JSON.parse(await this.spill.read({ offset: children[i + 1]!, length: children[i + 2]! }));
      const kind = children[i]!;
      if (kind === KIND_CODE.comments) {
        const comment = normalizeComment(raw);
        if (comment.ok) result.comments.push(comment.value);
      } else if (kind === KIND_CODE.logs) {
        const log = normalizeLog(raw);
        if (log.ok) result.logs.push(log.value);
      } else {
        const attachment = normalizeAttachment(raw);
        if (attachment.ok) result.attachments.push(attachment.value);
      }
    }
    result.comments.sort((a, b) => a.createdOn.getTime() - b.createdOn.getTime() || a.id - b.id);
    // Logs keep file order among equal times (a change of several fields at once).
    result.logs = result.logs
      .map((log, position) => ({ log, position }))
      .sort((a, b) => (a.log.createdOn?.getTime() ?? 0) - (b.log.createdOn?.getTime() ?? 0) || a.position - b.position)
      .map(({ log }) => log);
    return result;
  }

  async close(): Promise<void> {
    await this.spill.close();
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function exportFormatError(message: string): AppError {
  return new AppError("export_invalid", message);
}
