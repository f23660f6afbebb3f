/** Label colours are stored as hex; anything else shows as slate. */
export function labelColor(color: string): string {
  const value = color.trim();
  if (/^#[0-9a-f]{6}$/i.test(value)) return value.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(value)) return `#${[...value.slice(1)].map((digit) => digit + digit).join("")}`.toLowerCase();
  return "#64748b";
}

/** Dark or light text for a background, by relative luminance. */
export function textColorFor(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? "#0f172a" : "#ffffff";
}

/** Splits "priority::major" into scope and value (at the last "::"); null for unscoped labels. */
export function scopedLabel(title: string): { scope: string; value: string } | null {
  const index = title.lastIndexOf("::");
  if (index <= 0 || index + 2 >= title.length) return null;
  return { scope: title.slice(0, index), value: title.slice(index + 2) };
}

export type ChipLabel = { title: string; color: string; description?: string | null };

/** A label as a coloured chip; scoped labels (`scope::value`) as two-part chips. */
export function LabelChip({ label }: { label: ChipLabel }) {
  const background = labelColor(label.color);
  const foreground = textColorFor(background);
  const scoped = scopedLabel(label.title);
  const chip = { title: label.description || undefined, "data-testid": "label-chip", "data-label": label.title };
  if (scoped) {
    return (
      <span
        {...chip}
        className="inline-flex max-w-full overflow-hidden rounded-full border-2 text-xs leading-4 font-medium"
        style={{ borderColor: background }}
      >
        <span className="truncate px-2 py-px" style={{ backgroundColor: background, color: foreground }}>
          {scoped.scope}
        </span>
        <span className="sr-only">::</span>
        <span className="truncate bg-white px-2 py-px text-slate-800">{scoped.value}</span>
      </span>
    );
  }
  return (
    <span
      {...chip}
      className="inline-flex max-w-full truncate rounded-full border-2 px-2 py-px text-xs leading-4 font-medium"
      style={{ backgroundColor: background, borderColor: background, color: foreground }}
    >
      {label.title}
    </span>
  );
}

export function LabelList({ labels }: { labels: readonly ChipLabel[] }) {
  if (labels.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Labels">
      {labels.map((label) => (
        <li key={label.title} className="max-w-full">
          <LabelChip label={label} />
        </li>
      ))}
    </ul>
  );
}
