"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { WorkspaceMappingSummary } from "@/lib/users/workspace-mapping";

async function fetchSummary(workspace: string): Promise<WorkspaceMappingSummary> {
  const response = await fetch(`/import/bitbucket/mapping?workspace=${encodeURIComponent(workspace)}`, { headers: { accept: "application/json" } });
  const body = (await response.json().catch(() => null)) as (WorkspaceMappingSummary & { error?: { message: string } }) | null;
  if (!response.ok || !body || body.error) throw new Error(body?.error?.message ?? `The mapping could not be loaded (HTTP ${response.status}).`);
  return body;
}

/**
 * "2 of 3 members mapped": how many of a workspace's members map to Ferry users, with who does
 * not (they should connect Bitbucket in Ferry before the import, or become placeholders).
 * Self-contained: give it the workspace slug of a repository row.
 */
export function MappingSummary({ workspace }: { workspace: string }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const query = useQuery({ queryKey: ["workspace-mapping", workspace], queryFn: () => fetchSummary(workspace), staleTime: 60_000 });

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
  const unmapped = summary.members.filter((member) => !member.ferryUser);
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
        {summary.mapped} of {summary.total} {summary.total === 1 ? "member" : "members"} mapped to Ferry users
      </button>
      {open && (
        <div id={listId} className="mt-1 rounded-md border border-slate-200 bg-white p-2 shadow-sm">
          {complete ? (
            <p className="text-slate-600">Everyone in {summary.workspace} has connected Bitbucket in Ferry.</p>
          ) : (
            <>
              <p className="text-slate-600">Not mapped (they can connect Bitbucket on their Ferry profile before you import):</p>
              <ul className="mt-1 space-y-0.5" aria-label={`Unmapped members of ${summary.workspace}`}>
                {unmapped.map((member) => (
                  <li key={member.uuid} data-testid="unmapped-member">
                    {member.displayName ?? member.nickname ?? member.uuid}
                    {member.nickname && <span className="text-slate-500"> @{member.nickname}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {summary.mapped > 0 && (
            <ul className="mt-2 space-y-0.5 border-t border-slate-100 pt-2" aria-label={`Mapped members of ${summary.workspace}`}>
              {summary.members
                .filter((member) => member.ferryUser)
                .map((member) => (
                  <li key={member.uuid} className="text-slate-600">
                    {member.displayName ?? member.nickname} → <span className="font-medium text-slate-800">@{member.ferryUser!.username}</span>
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
