import { DEFAULT_SYNC_INTERVAL_MINUTES } from "@/lib/import/sync/schedule";
import { syncAvailableFor, syncUnavailableMessage } from "@/lib/import/sync/availability";
import { syncOverview } from "@/lib/import/sync/read";
import { ImportStatusBadge } from "../badges";
import { Time } from "@/components/ui/time";
import { DataTable, EmptyState } from "@/components/ui/page-blocks";
import { objectTypeName } from "./object-types";
import { SyncControls } from "./sync-controls";

const COUNT_COLUMNS = ["Object type", ...["New", "Updated", "Removed at the source", "Failed"].map((label) => ({ label, align: "right" as const }))];

/** Sync until cut-over: the schedule, the last sync with what it changed per type, and (for managers) the controls. */
export async function SyncSection({ importId, source, syncable, canManage }: { importId: number; source: string; syncable: boolean; canManage: boolean }) {
  if (!syncAvailableFor(source)) {
    return (
      <p className="text-sm text-slate-700" data-testid="sync-unavailable">
        {syncUnavailableMessage(source)}
      </p>
    );
  }
  const overview = await syncOverview(importId);
  const last = overview.last;
  return (
    <div className="space-y-3" data-testid="sync-section" data-running={overview.running ? "true" : "false"}>
      <p className="text-sm text-slate-700" data-testid="sync-schedule">
        {overview.cutOverAt ? (
          <>
            Cut over <Time value={overview.cutOverAt} format="datetime" />: the project is no longer synced with its source.
          </>
        ) : overview.intervalMinutes !== null ? (
          <>
            Kept in sync every {overview.intervalMinutes} {overview.intervalMinutes === 1 ? "minute" : "minutes"}
            {overview.nextSyncAt && (
              <>
                {" "}
                · next sync <Time value={overview.nextSyncAt} format="datetime" />
              </>
            )}
            .
          </>
        ) : (
          "Not kept in sync: sync now, or keep the project in sync until you cut over."
        )}
      </p>
      {canManage && syncable && !overview.cutOverAt && (
        <SyncControls importId={importId} running={overview.running} intervalMinutes={overview.intervalMinutes} defaultInterval={DEFAULT_SYNC_INTERVAL_MINUTES} />
      )}
      {last ? (
        <div data-testid="last-sync" data-status={last.status}>
          <p className="mb-2 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            Last sync <ImportStatusBadge status={last.status} />
            {last.finishedAt ? <Time value={last.finishedAt} format="datetime" /> : last.startedAt && <Time value={last.startedAt} format="datetime" />}
            {last.error && <span className="text-red-700">{last.error}</span>}
          </p>
          {last.counts.length === 0 ? (
            <EmptyState>Nothing had changed at the source.</EmptyState>
          ) : (
            <DataTable caption="Changes brought by the last sync" columns={COUNT_COLUMNS}>
              {last.counts.map((row) => (
                <tr key={row.objectType} className="border-t border-slate-100" data-testid="sync-count-row" data-object-type={row.objectType}>
                  <th scope="row" className="px-4 py-2 text-left font-medium text-slate-800">
                    {objectTypeName(row.objectType)}
                  </th>
                  {[row.created, row.updated, row.removed, row.failed].map((value, index) => (
                    <td key={index} className="px-4 py-2 text-right tabular-nums">
                      {value.toLocaleString("en-US")}
                    </td>
                  ))}
                </tr>
              ))}
            </DataTable>
          )}
        </div>
      ) : (
        <EmptyState>Not synced yet.</EmptyState>
      )}
    </div>
  );
}
