"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { buttonStyles, inputStyles, Notice } from "@/components/ui/forms";
import { gistsImportStatusAction, startGistsImportAction } from "@/lib/actions/gists";
import { IMPORT_STATUS_LABELS, isActiveImportStatus } from "@/lib/import/status-vocabulary";
import type { GistsImportRun } from "@/lib/snippets";

const POLL_INTERVAL_MS = 2000;

/**
 * "Import my gists": starts the gists import with the linked GitHub account's token (or a personal
 * access token typed here), follows it live while it runs, and lists what the last run imported,
 * skipped and could not import, with the reasons.
 */
export function GistsImport({ initialRun, githubLinked }: { initialRun: GistsImportRun | null; githubLinked: boolean }) {
  const [run, setRun] = useState(initialRun);
  const [error, setError] = useState<string | null>(null);
  const [useToken, setUseToken] = useState(!githubLinked);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const id = useId();
  const active = isActiveImportStatus(run?.status);

  useQuery({
    queryKey: ["gists-import-status"],
    queryFn: async () => {
      const result = await gistsImportStatusAction({});
      if (!result.ok) throw new Error(result.error.message);
      setRun(result.data);
      return Date.now();
    },
    enabled: active,
    refetchInterval: active ? POLL_INTERVAL_MS : false,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

  // When a run ends, the snippet list on the page shows what it brought.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) router.refresh();
    wasActive.current = active;
  }, [active, router]);

  function start(form: HTMLFormElement) {
    const token = useToken ? String(new FormData(form).get("token") ?? "").trim() : "";
    if (useToken && !token) {
      setError("Enter a GitHub personal access token with the gist scope.");
      return;
    }
    startTransition(async () => {
      const result = await startGistsImportAction({ personalAccessToken: token || undefined });
      if (result.ok) {
        setRun(result.data);
        setError(null);
        form.reset();
      } else {
        setError(result.error.message);
      }
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div>
        <h2 id={`${id}-heading`} className="text-sm font-semibold text-slate-900">
          Import your GitHub gists
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Each gist becomes one of your snippets, with its files and history; secret gists become private snippets. Gists with more than 10 files are
          skipped and listed below. Importing again updates the snippets instead of copying them.
        </p>
      </div>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          start(event.currentTarget);
        }}
      >
        {useToken && (
          <div className="min-w-64 flex-1">
            <label htmlFor={`${id}-token`} className="block text-sm font-medium text-slate-700">
              GitHub personal access token
            </label>
            <input id={`${id}-token`} name="token" type="password" autoComplete="off" className={`${inputStyles} mt-1 font-mono`} placeholder="ghp_…" />
          </div>
        )}
        <button type="submit" className={buttonStyles.primary} disabled={pending || active}>
          {pending ? "Starting…" : active ? "Importing…" : "Import my gists"}
        </button>
        {githubLinked && (
          <button type="button" className="text-sm text-brand-600 underline" onClick={() => setUseToken((value) => !value)}>
            {useToken ? "Use my connected GitHub account" : "Use a personal access token instead"}
          </button>
        )}
      </form>
      {githubLinked && !useToken && <p className="text-xs text-slate-500">Uses the GitHub account connected on your account page.</p>}
      {error && (
        <Notice tone="error" testId="gists-import-error">
          {error}
        </Notice>
      )}
      {run && <GistsImportResults run={run} />}
    </section>
  );
}

function GistsImportResults({ run }: { run: GistsImportRun }) {
  const imported = run.items.filter((item) => item.outcome === "imported");
  const skipped = run.items.filter((item) => item.outcome === "skipped");
  const failed = run.items.filter((item) => item.outcome === "failed");
  return (
    <div className="space-y-3" data-testid="gists-import-results">
      <p className="text-sm text-slate-700" role="status" aria-live="polite">
        Last import{run.githubLogin ? ` from @${run.githubLogin}` : ""}: <strong data-testid="gists-import-status">{IMPORT_STATUS_LABELS[run.status]}</strong>
        {isActiveImportStatus(run.status) && ` — ${run.items.length} gists handled so far`}
      </p>
      {run.error && <Notice tone="error">{run.error}</Notice>}
      <ResultList title={`Imported (${imported.length})`} testId="gists-imported">
        {imported.map((item) => (
          <li key={item.gistId}>{item.snippetId ? <Link href={`/snippets/${item.snippetId}`} className="text-brand-600 underline">{item.title}</Link> : item.title}</li>
        ))}
      </ResultList>
      {(
        [
          ["Skipped", skipped, "gists-skipped"],
          ["Failed", failed, "gists-failed"],
        ] as const
      ).map(([label, items, testId]) => (
        <ResultList key={testId} title={`${label} (${items.length})`} testId={testId}>
          {items.map((item) => (
            <li key={item.gistId}>
              <span className="font-medium">{item.title}</span> — {item.reason}
            </li>
          ))}
        </ResultList>
      ))}
    </div>
  );
}

function ResultList({ title, testId, children }: { title: string; testId: string; children: React.ReactNode[] }) {
  if (children.length === 0) return null;
  return (
    <div data-testid={testId}>
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h3>
      <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800">{children}</ul>
    </div>
  );
}
