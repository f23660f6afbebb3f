/**
 * Which import sources can be synced, readable on the client too (the controls are hidden for
 * the others). A source syncs when it implements SyncSource and has its line in SYNC_STAGES.
 */
export const SYNCING_SOURCES = ["bitbucket_cloud", "bitbucket_server", "github"] as const;

const NAMES: Record<string, string> = { github: "GitHub", bitbucket_cloud: "Bitbucket Cloud", bitbucket_server: "Bitbucket Server" };

export function syncAvailableFor(source: string): boolean {
  return (SYNCING_SOURCES as readonly string[]).includes(source);
}

/** What a user is told when a project from this source cannot be synced, and what to do instead. */
export function syncUnavailableMessage(source: string): string {
  return `Syncing is not available for ${NAMES[source] ?? source} imports yet; Re-import brings the current state.`;
}
