/** Date and number formatting for pages (rendered on the server, in its time zone). */

const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const clockFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
const relativeFormat = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });

export function formatDateTime(value: Date): string {
  return dateTimeFormat.format(value);
}

export function formatDate(value: Date): string {
  return dateFormat.format(value);
}

/** "14:05" */
export function formatClock(value: Date): string {
  return clockFormat.format(value);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 days ago", "in 5 minutes", "just now". */
export function formatRelative(value: Date, now: Date = new Date()): string {
  const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
  }
  return "just now";
}

export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** "pull_request_note" → "Pull request notes" */
export function humanize(value: string): string {
  const text = value.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
