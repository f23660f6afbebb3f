"use client";

import { useState, useTransition } from "react";
import { cancelArchiveJobAction } from "@/lib/actions/archive";

export function CancelJobButton({ jobId, requested }: { jobId: number; requested: boolean }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        disabled={pending || requested}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await cancelArchiveJobAction({ jobId });
            if (!result.ok) setError(result.error.message);
          })
        }
        className="rounded-md border border-red-300 bg-white px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        {requested || pending ? "Cancelling…" : "Cancel"}
      </button>
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
