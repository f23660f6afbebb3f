"use client";

import { RepositoryTable } from "@/components/import/picker/repository-table";
import { privateBadgeAndName } from "@/components/import/picker/row-facts";
import type { PickerDefaults, PickerSource } from "@/components/import/picker/source";
import * as actions from "@/lib/actions/bitbucket-server-picker";
import type { ImportableNamespace } from "@/lib/namespaces/importable";

function ProjectSelect({ values, onChange, groups }: { values: Record<string, string>; onChange: (values: Record<string, string>) => void; groups: readonly string[] }) {
  const selected = values.project ?? "";
  const options = selected && !groups.includes(selected) ? [selected, ...groups] : groups;
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      Project
      <select className="rounded border border-slate-300 px-2 py-1" value={selected} onChange={(event) => onChange(event.target.value ? { project: event.target.value } : {})}>
        <option value="">All projects</option>
        {options.map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Bitbucket Server in the import picker: the repositories of the connected server the user chose. */
export const bitbucketServerSource: PickerSource = {
  id: "bitbucket_server",
  name: "Bitbucket Server",
  listingPath: "/import/bitbucket_server/repositories",
  groupNoun: { singular: "project", plural: "projects" },
  filterLabel: "Filter by repository name",
  FilterControls: ProjectSelect,
  rowFacts: privateBadgeAndName,
  actions,
  connection: {
    codes: new Set(["bitbucket_server_not_connected", "bitbucket_server_auth_failed"]),
    notConnectedCode: "bitbucket_server_not_connected",
    connect: () => document.getElementById("bbs-url")?.focus(),
  },
};

export function BitbucketServerPicker(props: { personalNamespace: string; namespaces: ImportableNamespace[]; defaults: PickerDefaults }) {
  return <RepositoryTable source={bitbucketServerSource} {...props} />;
}
