/**
 * The first letters of a person's first and last names, else of their username. Pages show
 * these instead of the picture the source gave the person: loading it would tell the source's
 * avatar host who reads which page, and it shows as a broken image when that host is unreachable.
 */
export function initialsOf(person: { name: string | null; username: string }): string {
  const words = (person.name ?? "").trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : [words[0] ?? person.username];
  return letters.map((word) => Array.from(word)[0] ?? "").join("").toUpperCase();
}

export function Avatar({ person, size = "sm" }: { person: { name: string | null; username: string }; size?: "sm" | "md" }) {
  const dimension = size === "md" ? "h-8 w-8 text-xs" : "h-5 w-5 text-[0.55rem]";
  return (
    <span
      aria-hidden
      data-testid="avatar"
      className={`${dimension} inline-flex shrink-0 items-center justify-center rounded-full bg-slate-200 font-semibold text-slate-600`}
    >
      {initialsOf(person)}
    </span>
  );
}
