/**
 * Date and number formatting, the one formatter for times on pages and in client components.
 * Absolute times are shown in UTC, 24-hour, and say so: a page rendered on the server and a row
 * rendered in the browser then show the same time the same way, whatever either's time zone.
 */

const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "UTC" });
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const clockFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
const relativeFormat = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });

/** "Dec 7, 2026, 14:05 UTC" */
export function formatDateTime(value: Date): string {
  return `${dateTimeFormat.format(value)} UTC`;
}

export function formatDate(value: Date): string {
  return dateFormat.format(value);
}

/** "14:05 UTC" */
export function formatClock(value: Date): string {
  return `${clockFormat.format(value)} UTC`;
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
