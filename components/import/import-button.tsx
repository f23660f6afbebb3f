"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { importRepository } from "@/app/import/bitbucket/actions";

type State = { kind: "idle" } | { kind: "started"; fullPath: string } | { kind: "error"; message: string };

export function ImportButton({ repository }: { repository: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const [pending, startTransition] = useTransition();

  if (state.kind === "started") {
    return (
      <span className="text-sm" role="status">
        Pending ·{" "}
        <Link href={`/${state.fullPath}/-/import`} className="text-brand-600 hover:underline">
          {state.fullPath}
        </Link>
      </span>
    );
  }
  return (
    <span className="flex flex-col items-start gap-1">
      <button
        type="button"
        disabled={pending}
        aria-label={`Import ${repository}`}
        onClick={() =>
          startTransition(async () => {
            const result = await importRepository({ repository });
            setState(result.ok ? { kind: "started", fullPath: result.data.fullPath } : { kind: "error", message: result.error.message });
          })
        }
        className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-60"
      >
        {pending ? "Importing…" : "Import"}
      </button>
      {state.kind === "error" && (
        <span role="alert" className="text-xs text-red-700">
          {state.message}
        </span>
      )}
    </span>
  );
}
