import type { Person } from "@/lib/projects/queries";
import { personName } from "@/lib/projects/queries";

export function Avatar({ person, size = "sm" }: { person: Pick<Person, "name" | "username" | "image">; size?: "sm" | "md" }) {
  const dimension = size === "md" ? "h-8 w-8 text-sm" : "h-5 w-5 text-[0.65rem]";
  if (person.image) {
    // eslint-disable-next-line @next/next/no-img-element -- avatars come from the identity provider
    return <img src={person.image} alt="" className={`${dimension} shrink-0 rounded-full bg-slate-200 object-cover`} />;
  }
  const initial = (person.name || person.username).charAt(0).toUpperCase();
  return (
    <span aria-hidden className={`${dimension} inline-flex shrink-0 items-center justify-center rounded-full bg-slate-200 font-semibold text-slate-600`}>
      {initial}
    </span>
  );
}

/** A user with avatar and name; the username is the tooltip. */
export function PersonLabel({ person, size = "sm" }: { person: Person; size?: "sm" | "md" }) {
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={`@${person.username}`}>
      <Avatar person={person} size={size} />
      <span className="truncate">{personName(person)}</span>
    </span>
  );
}

/** A user, or a dash-like placeholder when nobody is set. */
export function OptionalPerson({ person, empty = "None" }: { person: Person | null; empty?: string }) {
  return person ? <PersonLabel person={person} /> : <span className="text-slate-500">{empty}</span>;
}
