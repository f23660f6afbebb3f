import type { PickerRepository } from "@/lib/import/listing-stream";

/** What most sources show under a row's name: a "Private" badge, and the display name when it differs from the slug. */
export function privateBadgeAndName(repository: PickerRepository) {
  return (
    <>
      {repository.isPrivate && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">Private</span>}
      {repository.name !== repository.slug && <div className="truncate text-xs text-slate-500">{repository.name}</div>}
    </>
  );
}
