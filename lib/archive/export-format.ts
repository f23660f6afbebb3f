/**
 * The records of a Bitbucket Cloud issue-tracker export (db-1.0.json / db-2.0.json), read
 * leniently: real exports are consistent, third-party zips have string ids, "Z" or naive dates,
 * missing keys and null lists. A record without what it cannot do without (an issue without an
 * id, a comment without its issue) is rejected with a reason; everything else gets a default.
 */

/** A source user: db-2.0 `{display_name, account_id}`, db-1.0 a username; null users are anonymous. */
export type ArchiveUser = {
  accountId: string | null;
  username: string | null;
  displayName: string | null;
};

export type ExportIssue = {
  id: number;
  title: string;
  content: string;
  createdOn: Date;
  updatedOn: Date;
  kind: string | null;
  priority: string | null;
  status: string;
  reporter: ArchiveUser | null;
  assignee: ArchiveUser | null;
  component: string | null;
  milestone: string | null;
  version: string | null;
  watchers: ArchiveUser[];
  voters: ArchiveUser[];
};

export type ExportComment = {
  id: number;
  issue: number;
  /** null for stub comments created by a field change. */
  content: string | null;
  createdOn: Date;
  updatedOn: Date | null;
  user: ArchiveUser | null;
};

export type ExportAttachment = {
  issue: number;
  filename: string;
  /** Opaque path inside the zip. */
  path: string | null;
  user: ArchiveUser | null;
  url: string | null;
};

export type ExportLog = {
  issue: number;
  comment: number | null;
  field: string;
  changedFrom: string;
  changedTo: string;
  createdOn: Date | null;
  user: ArchiveUser | null;
};

export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ISSUE_KINDS = ["bug", "enhancement", "proposal", "task"] as const;

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function toInt(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value.trim());
  return null;
}

function toText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function nonEmpty(value: unknown): string | null {
  const text = toText(value);
  return text !== null && text.trim() !== "" ? text.trim() : null;
}

/** ISO dates with or without zone ("…+00:00", "…Z", naive = UTC), with a space or a T; null when unparsable. */
export function parseExportDate(value: unknown): Date | null {
  if (typeof value !== "string" || !value.trim()) return null;
  let text = value.trim().replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00";
  // Microseconds: JavaScript keeps milliseconds.
  text = text.replace(/(\.\d{3})\d+/, "$1");
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += "Z";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A user as the export writes it: a username string (db-1.0), an object (db-2.0), or null. */
export function parseArchiveUser(value: unknown): ArchiveUser | null {
  if (typeof value === "string") return value.trim() ? { accountId: null, username: value.trim(), displayName: null } : null;
  const record = asRecord(value);
  if (!record) return null;
  const accountId = nonEmpty(record.account_id) ?? nonEmpty(record.accountId);
  const username = nonEmpty(record.username) ?? nonEmpty(record.nickname);
  const displayName = nonEmpty(record.display_name) ?? nonEmpty(record.displayName);
  if (!accountId && !username && !displayName) return null;
  return { accountId, username, displayName };
}

function users(value: unknown): ArchiveUser[] {
  if (!Array.isArray(value)) return [];
  return value.map(parseArchiveUser).filter((user): user is ArchiveUser => user !== null);
}

/** Which user format the file uses, decided by value: `"account"` (db-2.0 objects), `"username"` (db-1.0 strings), or null when no user was seen. */
export type UserFormat = "account" | "username";

export function userFormatOf(value: unknown): UserFormat | null {
  if (typeof value === "string" && value.trim()) return "username";
  return asRecord(value) ? "account" : null;
}

export function normalizeIssue(raw: unknown): Normalized<ExportIssue> {
  const record = asRecord(raw);
  if (!record) return { ok: false, reason: "not an object" };
  const id = toInt(record.id);
  if (id === null || id <= 0 || id > 2_147_483_647) return { ok: false, reason: `no valid issue id (${JSON.stringify(record.id ?? null)})` };
  const createdOn = parseExportDate(record.created_on) ?? parseExportDate(record.updated_on) ?? new Date(0);
  const updatedOn = parseExportDate(record.updated_on) ?? createdOn;
  const kind = nonEmpty(record.kind)?.toLowerCase() ?? null;
  return {
    ok: true,
    value: {
      id,
      title: (nonEmpty(record.title) ?? `Issue ${id}`).slice(0, 255),
      content: toText(record.content) ?? "",
      createdOn,
      updatedOn,
      kind,
      priority: nonEmpty(record.priority)?.toLowerCase() ?? null,
      status: (nonEmpty(record.status) ?? nonEmpty(record.state) ?? "new").toLowerCase(),
      reporter: parseArchiveUser(record.reporter),
      assignee: parseArchiveUser(record.assignee),
      component: nonEmpty(record.component),
      milestone: nonEmpty(record.milestone),
      version: nonEmpty(record.version),
      watchers: users(record.watchers),
      voters: users(record.voters),
    },
  };
}

export function normalizeComment(raw: unknown): Normalized<ExportComment> {
  const record = asRecord(raw);
  if (!record) return { ok: false, reason: "not an object" };
  const id = toInt(record.id);
  const issue = toInt(record.issue);
  if (id === null) return { ok: false, reason: `no valid comment id (${JSON.stringify(record.id ?? null)})` };
  if (issue === null) return { ok: false, reason: `comment ${id} names no valid issue` };
  const createdOn = parseExportDate(record.created_on);
  if (!createdOn) return { ok: false, reason: `comment ${id} has no valid created_on date` };
  const content = record.content === null || record.content === undefined ? null : toText(record.content);
  return { ok: true, value: { id, issue, content, createdOn, updatedOn: parseExportDate(record.updated_on), user: parseArchiveUser(record.user) } };
}

export function normalizeAttachment(raw: unknown): Normalized<ExportAttachment> {
  const record = asRecord(raw);
  if (!record) return { ok: false, reason: "not an object" };
  const issue = toInt(record.issue);
  if (issue === null) return { ok: false, reason: "attachment names no valid issue" };
  const path = nonEmpty(record.path);
  const filename = nonEmpty(record.filename) ?? (path ? path.split("/").pop()! : null);
  if (!filename) return { ok: false, reason: `attachment of issue ${issue} has no file name` };
  return { ok: true, value: { issue, filename, path, user: parseArchiveUser(record.user), url: nonEmpty(record.url) } };
}

export function normalizeLog(raw: unknown): Normalized<ExportLog> {
  const record = asRecord(raw);
  if (!record) return { ok: false, reason: "not an object" };
  const issue = toInt(record.issue);
  if (issue === null) return { ok: false, reason: "change log names no valid issue" };
  const field = nonEmpty(record.field);
  if (!field) return { ok: false, reason: `change log of issue ${issue} names no field` };
  return {
    ok: true,
    value: {
      issue,
      comment: toInt(record.comment),
      field: field.toLowerCase(),
      changedFrom: toText(record.changed_from) ?? "",
      changedTo: toText(record.changed_to) ?? "",
      createdOn: parseExportDate(record.created_on),
      user: parseArchiveUser(record.user),
    },
  };
}

/** `[{"name": "…"}]` (components, milestones, versions) → names; anything else is ignored. */
export function namesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => nonEmpty(asRecord(item)?.name ?? item)).filter((name): name is string => name !== null);
}
