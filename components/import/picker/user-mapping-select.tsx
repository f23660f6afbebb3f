"use client";

import type { RowImportOptions } from "./row-store";

/** The Options area's choice of how contributions of source users without a Ferry account are recorded. */
export function UserMappingSelect({ id, sourceName, value, onChange }: { id: string; sourceName: string; value: RowImportOptions; onChange: (value: RowImportOptions) => void }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium tracking-wide text-slate-500 uppercase">
        {sourceName} users without a Ferry account
      </label>
      <select
        id={id}
        value={value.userMapping ?? ""}
        onChange={(event) => onChange({ ...value, userMapping: (event.target.value || undefined) as RowImportOptions["userMapping"] })}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        <option value="">Instance default</option>
        <option value="attribution">Attribute to me, naming the original author</option>
        <option value="placeholders">Placeholder users, reassignable later</option>
      </select>
    </div>
  );
}
