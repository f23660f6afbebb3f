"use client";

import { GITHUB_SHOW_PARAM } from "@/lib/import/github-filter";

/** Owned / Collaborated / one organisation's repositories, as GitLab's GitHub import page offers. */
export function ShowSelect({ values, onChange, groups }: { values: Record<string, string>; onChange: (values: Record<string, string>) => void; groups: readonly string[] }) {
  const value = values[GITHUB_SHOW_PARAM] ?? "";
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <span>Show</span>
      <select
        value={value}
        onChange={(event) => onChange({ ...values, [GITHUB_SHOW_PARAM]: event.target.value })}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        data-testid="github-show"
      >
        <option value="">All repositories</option>
        <option value="owned">Owned</option>
        <option value="collaborated">Collaborated</option>
        {groups.map((organization) => (
          <option key={organization} value={`org:${organization}`}>
            Organization: {organization}
          </option>
        ))}
      </select>
    </label>
  );
}
