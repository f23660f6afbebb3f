"use client";

import type { RowImportOptions } from "@/components/import/picker/row-store";
import type { PickerDefaults } from "@/components/import/picker/source";
import { UserMappingSelect } from "@/components/import/picker/user-mapping-select";
import type { PickerRepository } from "@/lib/import/listing-stream";
import { MappingSummary } from "./mapping-summary";

/** A GitHub import's optional stages, with what the import does when the row leaves them alone. */
const STAGES = [
  { name: "collaborators_import", label: "Collaborators as project members (mapped users only)", defaultOn: true },
  { name: "attachments_import", label: "Attachments linked in descriptions and comments", defaultOn: false },
  { name: "single_endpoint_notes_import", label: "Comments read item by item (slower; for repositories whose comment listings are incomplete)", defaultOn: false },
] as const;

/** The expandable "Options" area of a GitHub row: user mapping, who maps, and the optional stages. */
export function RowOptions({
  repository,
  value,
  onChange,
  defaults,
}: {
  repository: PickerRepository;
  value: RowImportOptions;
  onChange: (value: RowImportOptions) => void;
  defaults: PickerDefaults;
}) {
  const id = `github-options-${repository.uuid}`;
  return (
    <div className="flex flex-wrap items-start gap-6 text-sm" data-testid="row-options">
      <UserMappingSelect id={`${id}-mapping`} sourceName="GitHub" value={value} onChange={onChange} defaults={defaults} />
      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium tracking-wide text-slate-500 uppercase">Collaborators and contributors in Ferry</span>
        <MappingSummary repository={repository.fullName} />
      </div>
      <fieldset className="flex flex-col gap-1">
        <legend className="text-xs font-medium tracking-wide text-slate-500 uppercase">Also import</legend>
        {STAGES.map((stage) => (
          <label key={stage.name} className="flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              className="mt-0.5 h-4 w-4"
              checked={value.sourceOptions?.[stage.name] ?? stage.defaultOn}
              onChange={(event) => onChange({ ...value, sourceOptions: { ...value.sourceOptions, [stage.name]: event.target.checked } })}
            />
            {stage.label}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
