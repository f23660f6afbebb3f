import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { useSyncExternalStore } from "react";
import type { RowImportStatus } from "@/lib/import/status";
import type { UserMapping } from "@/lib/settings";

/**
 * The picker's per-row state, kept outside React so that rows scrolled out of the virtualized
 * list keep their edits and statuses, and a status update re-renders only the rows it changes.
 */

/** Optional per-row import settings (the "Options" area); extras plugged in there add their fields. */
export type RowImportOptions = {
  userMapping?: UserMapping;
  attachments?: { issuesArchiveUploadId?: string; wikiBundleUploadId?: string; wikiUrl?: string };
};

export type RowDraft = {
  namespace: string;
  name: string;
  /** The user changed the target (Import all then uses it for this row). */
  edited: boolean;
  reimportOpen: boolean;
  optionsOpen: boolean;
  options: RowImportOptions;
};

export type RowState = {
  status: RowImportStatus | null;
  draft: RowDraft | null;
  busy: "import" | "cancel" | null;
  error: string | null;
};

const EMPTY: RowState = { status: null, draft: null, busy: null, error: null };

export type StatusTransition = { repository: string; from: RowImportStatus["status"] | null; to: RowImportStatus };

export class RowStore {
  private rows = new Map<string, RowState>();
  private listeners = new Set<() => void>();
  private transitionListeners = new Set<(transitions: StatusTransition[]) => void>();
  private version = 0;

  get = (repository: string): RowState => this.rows.get(repository) ?? EMPTY;
  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onTransitions(listener: (transitions: StatusTransition[]) => void): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  update(repository: string, change: (row: RowState) => Partial<RowState>): void {
    const current = this.get(repository);
    this.rows.set(repository, { ...current, ...change(current) });
    this.emit();
  }

  updateDraft(repository: string, fallback: RowDraft, change: Partial<RowDraft>): void {
    this.update(repository, (row) => ({ draft: { ...(row.draft ?? fallback), ...change } }));
  }

  /** Statuses from the server (listing, poll, action results); unchanged ones keep their identity. */
  setStatuses(statuses: Record<string, RowImportStatus | null | undefined>, options: { announce?: boolean } = {}): void {
    const transitions: StatusTransition[] = [];
    let changed = false;
    for (const [repository, status] of Object.entries(statuses)) {
      if (!status) continue;
      const current = this.get(repository);
      if (current.status && sameStatus(current.status, status)) continue;
      if (options.announce !== false && (current.status?.status ?? null) !== status.status) {
        transitions.push({ repository, from: current.status?.status ?? null, to: status });
      }
      this.rows.set(repository, { ...current, status });
      changed = true;
    }
    if (!changed) return;
    this.emit();
    if (transitions.length > 0) for (const listener of this.transitionListeners) listener(transitions);
  }

  /** Targets edited on rows, for "Import all". */
  editedTargets(): Record<string, { targetNamespace: string; name: string }> {
    const result: Record<string, { targetNamespace: string; name: string }> = {};
    for (const [repository, row] of this.rows) {
      if (row.draft?.edited && !row.status) result[repository] = { targetNamespace: row.draft.namespace, name: row.draft.name };
    }
    return result;
  }

  private emit(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

function sameStatus(a: RowImportStatus, b: RowImportStatus): boolean {
  return (
    a.importId === b.importId &&
    a.status === b.status &&
    a.stage === b.stage &&
    a.percent === b.percent &&
    a.counts?.done === b.counts?.done &&
    a.counts?.total === b.counts?.total &&
    a.progress.length === b.progress.length &&
    a.progress.every((entry, index) => entry.done === b.progress[index]!.done && entry.total === b.progress[index]!.total) &&
    a.waitingUntil === b.waitingUntil &&
    a.failedCount === b.failedCount &&
    a.error === b.error &&
    a.warning === b.warning &&
    a.cancelRequested === b.cancelRequested &&
    a.canManage === b.canManage &&
    a.projectFullPath === b.projectFullPath
  );
}

export function useRow(store: RowStore, repository: string): RowState {
  return useSyncExternalStore(
    store.subscribe,
    () => store.get(repository),
    () => store.get(repository),
  );
}

export function useStoreVersion(store: RowStore): number {
  return useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
}

export function isActive(status: RowImportStatus | null): boolean {
  return isActiveImportStatus(status?.status);
}
