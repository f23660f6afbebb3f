"use client";

import { ImportAttachments } from "@/components/archive/import-attachments";
import { MappingSummary } from "@/components/import/bitbucket/mapping-summary";
import type { PickerRepository } from "@/lib/import/listing-stream";
import type { RowImportOptions } from "@/components/import/picker/row-store";
import type { PickerDefaults } from "@/components/import/picker/source";
import { UserMappingSelect } from "@/components/import/picker/user-mapping-select";

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

export function RowOptions({ repository, value, onChange, defaults }: RowOptionsProps) {
  const id = `user-mapping-${repository.uuid.replace(/[^A-Za-z0-9]/g, "")}`;
  return (
    <div className="flex flex-wrap items-start gap-6 text-sm" data-testid="row-options">
      <UserMappingSelect id={id} sourceName="Bitbucket" value={value} onChange={onChange} defaults={defaults} />
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
