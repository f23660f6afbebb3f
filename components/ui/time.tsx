import { formatDate, formatDateTime, formatRelative } from "./format";

/** A time in a <time> element; the full date and time is the tooltip. */
export function Time({ value, format = "relative" }: { value: Date; format?: "relative" | "date" | "datetime" }) {
  const text = format === "relative" ? formatRelative(value) : format === "date" ? formatDate(value) : formatDateTime(value);
  return (
    <time dateTime={value.toISOString()} title={formatDateTime(value)}>
      {text}
    </time>
  );
}
