import { escapeMarkdownInline } from "@/lib/import/content/escape";

/**
 * How a Bitbucket issue's fields become Ferry's, for every way issues arrive (the API import and
 * the issue-export archive alike): open or closed, labels, and the system note of a change.
 */

/** GitLab's four kind labels, plus what Ferry adds as scoped labels on demand. */
export const KIND_LABELS = [
  { title: "bug", color: "#FF0000" },
  { title: "enhancement", color: "#428BCA" },
  { title: "proposal", color: "#69D100" },
  { title: "task", color: "#7F8C8D" },
] as const;

const OTHER_KIND_COLOR = "#7F8C8D";
const SCOPED_LABEL_COLORS = { priority: "#D9534F", component: "#6699CC", version: "#8E44AD", status: "#5843AD" } as const;

/** Bitbucket states that close an issue in Ferry. */
const CLOSED_STATES = new Set(["resolved", "invalid", "duplicate", "wontfix", "closed"]);
/** States that say no more than "open"; any other state is also kept as a `status::` label (on hold, wontfix, duplicate…). */
const PLAIN_STATES = new Set(["new", "open"]);

export function isClosedIssueState(state: string): boolean {
  return CLOSED_STATES.has(state.toLowerCase());
}

export type IssueLabelFields = {
  kind: string | null;
  priority: string | null;
  component: string | null;
  version: string | null;
  state: string;
};

/** The kind label (GitLab's importer loses it; Ferry does not), scoped priority/component/version labels, and `status::<state>` for a state open/closed does not express. */
export function issueLabelsFor(issue: IssueLabelFields): Array<{ title: string; color: string }> {
  const labels: Array<{ title: string; color: string }> = [];
  if (issue.kind) labels.push({ title: issue.kind, color: KIND_LABELS.find((label) => label.title === issue.kind)?.color ?? OTHER_KIND_COLOR });
  for (const [scope, value] of [["priority", issue.priority], ["component", issue.component], ["version", issue.version]] as const) {
    if (value) labels.push({ title: `${scope}::${value}`, color: SCOPED_LABEL_COLORS[scope] });
  }
  const state = issue.state.toLowerCase();
  if (state && !PLAIN_STATES.has(state)) labels.push({ title: `status::${state}`, color: SCOPED_LABEL_COLORS.status });
  return labels;
}

/** Field names as people read them; Bitbucket calls the assignee `responsible` in exports and the state `status`. */
const FIELD_NAMES: Record<string, string> = {
  responsible: "assignee",
  assignee: "assignee",
  assignee_account_id: "assignee",
  status: "status",
  state: "status",
  priority: "priority",
  kind: "kind",
  title: "title",
  milestone: "milestone",
  version: "version",
  component: "component",
};

/** A change value, or null when it says "empty" (`""`, `"None"`, as exports write it). */
export function changeValue(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" || trimmed === "None" ? null : trimmed;
}

function quoted(value: string): string {
  return escapeMarkdownInline(value.length > 200 ? `${value.slice(0, 197)}…` : value);
}

/**
 * The system note for one changed field: "changed status from new to resolved", "changed
 * assignee from alice to bob", "changed the description", "added attachment log.txt". Empty
 * values: "changed milestone to 1.0", "cleared assignee (was alice)".
 */
export function issueChangeNoteBody(field: string, fromValue: string | null | undefined, toValue: string | null | undefined): string {
  const from = changeValue(fromValue);
  const to = changeValue(toValue);
  if (field === "content") return "changed the description";
  if (field === "attachment") {
    if (to) return `added attachment ${quoted(to.split("/").pop() ?? to)}`;
    if (from) return `removed attachment ${quoted(from.split("/").pop() ?? from)}`;
    return "changed the attachments";
  }
  const name = FIELD_NAMES[field] ?? escapeMarkdownInline(field.replace(/_/g, " "));
  if (field === "title") {
    if (from && to) return `changed title from **${quoted(from)}** to **${quoted(to)}**`;
    return to ? `changed title to **${quoted(to)}**` : "changed the title";
  }
  if (from && to) return `changed ${name} from ${quoted(from)} to ${quoted(to)}`;
  if (to) return `changed ${name} to ${quoted(to)}`;
  if (from) return `cleared ${name} (was ${quoted(from)})`;
  return `changed ${name}`;
}
