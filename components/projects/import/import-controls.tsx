"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/wrapper";
import { cancelProjectImport, resumeProjectImport, retryProjectImportFailures } from "@/lib/actions/project-import";

type Action = (input: { importId: number }) => Promise<ActionResult<{ importId: number }>>;

/** Cancel and Retry failed items (only rendered for people who can manage the project). */
export function ImportControls({
  importId,
  active,
  canCancel,
  cancelRequested,
  canRetry,
  canResume,
  unresolvedFailures,
}: {
  importId: number;
  /** The import runs (a retry included): Retry waits until it ends. */
  active: boolean;
  canCancel: boolean;
  cancelRequested: boolean;
  canRetry: boolean;
  /** Cancelled or failed: Resume continues it where it stopped. */
  canResume: boolean;
  unresolvedFailures: number;
}) {
  const [pending, startTransition] = useTransition();
  const [running, setRunning] = useState<"cancel" | "retry" | "resume" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retried, setRetried] = useState(false);

  if (!canCancel && !canRetry && !canResume) return null;

  function run(which: "cancel" | "retry" | "resume", action: Action) {
    setError(null);
    setRunning(which);
    startTransition(async () => {
      const result = await action({ importId });
      if (!result.ok) setError(result.error.message);
      else if (which === "retry") setRetried(true);
      setRunning(null);
    });
  }

  const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";
  return (
    <div className="flex flex-col items-end gap-2" data-testid="import-controls">
      <div className="flex flex-wrap gap-2">
        {canResume && (
          <button type="button" disabled={pending} onClick={() => run("resume", resumeProjectImport)} className={`${button} bg-brand-600 text-white hover:bg-brand-700`}>
            {pending && running === "resume" ? "Resuming…" : "Resume import"}
          </button>
        )}
        {canRetry && !canResume && (
          <button
            type="button"
            disabled={pending || active}
            onClick={() => run("retry", retryProjectImportFailures)}
            className={`${button} bg-brand-600 text-white hover:bg-brand-700`}
            title={`Import the ${unresolvedFailures} failed ${unresolvedFailures === 1 ? "item" : "items"} again`}
          >
            {(pending && running === "retry") || (active && retried) ? "Retrying…" : "Retry failed items"}
          </button>
        )}
        {canCancel && (
          <button
            type="button"
            disabled={pending || cancelRequested}
            onClick={() => run("cancel", cancelProjectImport)}
            className={`${button} border border-red-300 bg-white text-red-700 hover:bg-red-50`}
          >
            {cancelRequested ? "Cancelling…" : pending && running === "cancel" ? "Cancelling…" : "Cancel import"}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="max-w-sm rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
