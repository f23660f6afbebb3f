"use client";

import type { RowImportOptions } from "./row-store";
import type { PickerDefaults } from "./source";

const USER_MAPPINGS = { attribution: "Attribute to me, naming the original author", placeholders: "Placeholder users, reassignable later" } as const;

/** The Options area's choice of how contributions of source users without a Ferry account are recorded. */
export function UserMappingSelect({
  id,
  sourceName,
  value,
  onChange,
  defaults,
}: {
  id: string;
  sourceName: string;
  value: RowImportOptions;
  onChange: (value: RowImportOptions) => void;
  defaults: PickerDefaults;
}) {
  return (
    <div className="flex max-w-full min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium tracking-wide text-slate-500 uppercase">
        {sourceName} users without a Ferry account
      </label>
      <select
        id={id}
        value={value.userMapping ?? ""}
        onChange={(event) => onChange({ ...value, userMapping: (event.target.value || undefined) as RowImportOptions["userMapping"] })}
        className="max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        <option value="">Instance default: {USER_MAPPINGS[defaults.userMapping]}</option>
        <option value="attribution">{USER_MAPPINGS.attribution}</option>
        <option value="placeholders">{USER_MAPPINGS.placeholders}</option>
      </select>
    </div>
  );
}
