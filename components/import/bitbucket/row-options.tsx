"use client";

import { ImportAttachments } from "@/components/archive/import-attachments";
import { MappingSummary } from "@/components/import/bitbucket/mapping-summary";
import type { PickerRepository } from "@/lib/import/listing-stream";
import type { RowImportOptions } from "@/components/import/picker/row-store";
import type { PickerDefaults } from "@/components/import/picker/source";

/**
 * The expandable "Options" area of a row: per-import settings sent with Import / Re-import
 * (importRepository's `userMapping` and `attachments`). Extras plug in here, each reading and
 * changing `value`:
 *   - the mapped-members summary (components/import/bitbucket/mapping-summary.tsx),
 *   - archive attachments (components/archive/import-attachments.tsx) → value.attachments.
 */
export type RowOptionsProps = {
  repository: PickerRepository;
  value: RowImportOptions;
  onChange: (value: RowImportOptions) => void;
  defaults: PickerDefaults;
};

const USER_MAPPINGS = { attribution: "Attribute to me, naming the original author", placeholders: "Placeholder users, reassignable later" } as const;

export function RowOptions({ repository, value, onChange, defaults }: RowOptionsProps) {
  const id = `user-mapping-${repository.uuid.replace(/[^A-Za-z0-9]/g, "")}`;
  return (
    <div className="flex flex-wrap items-start gap-6 text-sm" data-testid="row-options">
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="text-xs font-medium tracking-wide text-slate-500 uppercase">
          Bitbucket users without a Ferry account
        </label>
        <select
          id={id}
          value={value.userMapping ?? ""}
          onChange={(event) => onChange({ ...value, userMapping: (event.target.value || undefined) as RowImportOptions["userMapping"] })}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          <option value="">Instance default: {USER_MAPPINGS[defaults.userMapping]}</option>
          <option value="attribution">{USER_MAPPINGS.attribution}</option>
          <option value="placeholders">{USER_MAPPINGS.placeholders}</option>
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium tracking-wide text-slate-500 uppercase">Workspace members in Ferry</span>
        <MappingSummary workspace={repository.fullName.split("/")[0]!} />
      </div>
      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium tracking-wide text-slate-500 uppercase">Saved before Bitbucket removed them</span>
        <ImportAttachments
          repository={repository.fullName}
          onChange={(attachments) => onChange({ ...value, attachments: Object.values(attachments).some(Boolean) ? attachments : undefined })}
        />
      </div>
    </div>
  );
}
