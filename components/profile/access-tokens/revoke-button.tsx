"use client";

import { useState, useTransition } from "react";
import { revokeAccessToken } from "@/lib/actions/access-tokens";

/** Revoke, after a second click to confirm. */
export function RevokeButton({ id, name }: { id: number; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (!confirming) {
    return (
      <button
        type="button"
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${name}`}
        className="rounded-md border border-red-300 bg-white px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50"
      >
        Revoke
      </button>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className="text-sm text-slate-700">Revoke “{name}”? Clients using it stop working.</span>
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await revokeAccessToken({ id });
            if (!result.ok) setError(result.error.message);
            else setConfirming(false);
          })
        }
        className="rounded-md bg-red-600 px-3 py-1 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
      >
        {pending ? "Revoking…" : "Confirm revoke"}
      </button>
      <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm text-slate-700 hover:bg-slate-100">
        Cancel
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
