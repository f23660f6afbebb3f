import { type Person, personName } from "@/lib/users/people";
import { Avatar } from "../avatar";

export { Avatar };

/** Marks a placeholder user: it stands for a source user who was not mapped to a Ferry user (what they wrote carries the Imported badge). */
export function PlaceholderMarker({ source }: { source?: string | null }) {
  return (
    <span
      title={source ? `Placeholder for Bitbucket user ${source}, imported` : "Placeholder for an imported Bitbucket user"}
      data-testid="placeholder-marker"
      className="inline-flex shrink-0 cursor-help items-center rounded border border-dashed border-slate-400 bg-white px-1 py-px text-[0.65rem] font-medium text-slate-600"
    >
      Placeholder
    </span>
  );
}

function isPlaceholder(person: Person): boolean {
  return person.kind === "placeholder";
}

/** A user with avatar and name; the username is the tooltip. Placeholders show the source name and the Placeholder marker. */
export function PersonLabel({ person, size = "sm" }: { person: Person; size?: "sm" | "md" }) {
  const placeholder = isPlaceholder(person);
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={placeholder ? `${personName(person)} (placeholder @${person.username})` : `@${person.username}`}>
      <Avatar person={person} size={size} />
      <span className="truncate">{personName(person)}</span>
      {placeholder && <PlaceholderMarker source={person.name} />}
    </span>
  );
}

/** A user, or a dash-like placeholder when nobody is set. */
export function OptionalPerson({ person, empty = "None" }: { person: Person | null; empty?: string }) {
  return person ? <PersonLabel person={person} /> : <span className="text-slate-500">{empty}</span>;
}
