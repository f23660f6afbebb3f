"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

/** A person of the source as the summary lists them. */
export type MappedPerson = { key: string; label: string; login: string | null; ferryUsername: string | null };
export type MappingSummaryData = { subject: string; total: number; mapped: number; people: MappedPerson[]; notes: string[] };

async function fetchSummary<Answer>(url: string, toData: (answer: Answer) => MappingSummaryData): Promise<MappingSummaryData> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await response.json().catch(() => null)) as (Answer & { error?: { message: string } }) | null;
  if (!response.ok || !body || body.error) throw new Error(body?.error?.message ?? `The mapping could not be loaded (HTTP ${response.status}).`);
  return toData(body);
}

/**
 * "2 of 3 members mapped": how many of a source's people (a workspace's members, a repository's
 * collaborators) map to Ferry users, with who does not (they should connect the source in Ferry
 * before the import, or become placeholders). `url` answers the source's summary; `toData` reads it.
 */
export function MappingSummary<Answer>({
  url,
  toData,
  sourceName,
  noun,
}: {
  url: string;
  toData: (answer: Answer) => MappingSummaryData;
  sourceName: string;
  noun: { singular: string; plural: string };
}) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const query = useQuery({ queryKey: ["source-mapping", url], queryFn: () => fetchSummary(url, toData), staleTime: 60_000 });

  if (query.isPending) {
    return (
      <span className="text-xs text-slate-500" data-testid="mapping-summary" aria-busy="true">
        Checking user mapping…
      </span>
    );
  }
  if (query.isError) {
    return (
      <span className="text-xs text-red-700" data-testid="mapping-summary" role="alert">
        User mapping unavailable: {query.error.message}
      </span>
    );
  }
  const summary = query.data;
  const unmapped = summary.people.filter((person) => !person.ferryUsername);
  const complete = unmapped.length === 0;
  return (
    <div className="text-xs" data-testid="mapping-summary">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((value) => !value)}
        className={`rounded px-1 font-medium underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 ${complete ? "text-green-700" : "text-amber-800"}`}
      >
        {summary.mapped} of {summary.total} {summary.total === 1 ? noun.singular : noun.plural} mapped to Ferry users
      </button>
      {open && (
        <div id={listId} className="mt-1 rounded-md border border-slate-200 bg-white p-2 shadow-sm">
          {complete ? (
            <p className="text-slate-600">
              Everyone in {summary.subject} has connected {sourceName} in Ferry.
            </p>
          ) : (
            <>
              <p className="text-slate-600">Not mapped (they can connect {sourceName} on their Ferry profile before you import):</p>
              <ul className="mt-1 space-y-0.5" aria-label={`Unmapped ${noun.plural} of ${summary.subject}`}>
                {unmapped.map((person) => (
                  <li key={person.key} data-testid="unmapped-member">
                    {person.label}
                    {person.login && person.login !== person.label && <span className="text-slate-500"> @{person.login}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {summary.mapped > 0 && (
            <ul className="mt-2 space-y-0.5 border-t border-slate-100 pt-2" aria-label={`Mapped ${noun.plural} of ${summary.subject}`}>
              {summary.people
                .filter((person) => person.ferryUsername)
                .map((person) => (
                  <li key={person.key} className="text-slate-600" data-testid="mapped-member">
                    {person.label} → <span className="font-medium text-slate-800">@{person.ferryUsername}</span>
                  </li>
                ))}
            </ul>
          )}
          {summary.notes.map((note) => (
            <p key={note} className="mt-2 text-slate-500">
              {note}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
