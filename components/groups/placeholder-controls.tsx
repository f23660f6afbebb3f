"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import { cancelPlaceholderReassignment, keepPlaceholder, reassignPlaceholder, uploadReassignmentCsv } from "@/lib/actions/placeholders";
import type { ActionResult } from "@/lib/actions/wrapper";
import type { CsvResult } from "@/lib/users/reassignment";
import { buttonStyles, inputStyles, Notice } from "@/components/ui/forms";

function useAction() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<ActionResult<unknown>>, onDone?: () => void) => {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) setError(result.error.message);
      else {
        onDone?.();
        router.refresh();
      }
    });
  };
  return { pending, error, run };
}

/** Reassign to a Ferry user (by username); they accept or reject in their inbox. */
export function ReassignForm({ placeholderId, sourceName }: { placeholderId: string; sourceName: string }) {
  const inputId = useId();
  const { pending, error, run } = useAction();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const targetUsername = String(new FormData(formElement).get("targetUsername") ?? "");
    run(() => reassignPlaceholder({ placeholderId, targetUsername }), () => formElement.reset());
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-1" aria-label={`Reassign ${sourceName}`}>
      <div className="flex gap-2">
        <label htmlFor={inputId} className="sr-only">
          Ferry username to reassign {sourceName} to
        </label>
        <input id={inputId} name="targetUsername" required placeholder="Ferry username" className={`${inputStyles} w-40`} />
        <button type="submit" disabled={pending} className={buttonStyles.secondary}>
          {pending ? "Sending…" : "Reassign"}
        </button>
      </div>
      {error && <Notice tone="error">{error}</Notice>}
    </form>
  );
}

export function PlaceholderButton({ placeholderId, kind, label }: { placeholderId: string; kind: "cancel" | "keep"; label: string }) {
  const { pending, error, run } = useAction();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        disabled={pending}
        className={buttonStyles.secondary}
        onClick={() => run(() => (kind === "cancel" ? cancelPlaceholderReassignment({ placeholderId }) : keepPlaceholder({ placeholderId })))}
      >
        {label}
      </button>
      {error && <Notice tone="error">{error}</Notice>}
    </span>
  );
}

/** One click: ask the user who linked the placeholder's Bitbucket account to take over its contributions. */
export function SuggestionButton({ placeholderId, username }: { placeholderId: string; username: string }) {
  const { pending, error, run } = useAction();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button type="button" disabled={pending} className={buttonStyles.primary} onClick={() => run(() => reassignPlaceholder({ placeholderId, targetUsername: username }))}>
        {pending ? "Sending…" : `Reassign to @${username}`}
      </button>
      {error && <Notice tone="error">{error}</Notice>}
    </span>
  );
}

export function CsvUpload({ namespaceId }: { namespaceId: number }) {
  const inputId = useId();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CsvResult | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    setError(null);
    setResult(null);
    if (!(file instanceof File) || file.size === 0) {
      setError("Choose the CSV file to upload.");
      return;
    }
    startTransition(async () => {
      const response = await uploadReassignmentCsv({ namespaceId, csv: await file.text() });
      if (!response.ok) setError(response.error.message);
      else {
        setResult(response.data);
        router.refresh();
      }
    });
  }
  return (
    <div>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="Upload reassignments">
        <div>
          <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
            Filled-in CSV
          </label>
          <input id={inputId} name="file" type="file" accept=".csv,text/csv" className="mt-1 text-sm" />
        </div>
        <button type="submit" disabled={pending} className={buttonStyles.secondary}>
          {pending ? "Uploading…" : "Upload and reassign"}
        </button>
      </form>
      {error && (
        <Notice tone="error" className="mt-2">
          {error}
        </Notice>
      )}
      {result && (
        <div className="mt-3 space-y-2" data-testid="csv-result">
          <Notice tone={result.errors.length ? "warning" : "success"}>
            {result.requested.length} reassignment {result.requested.length === 1 ? "request" : "requests"} sent
            {result.unchanged ? `, ${result.unchanged} ${result.unchanged === 1 ? "row" : "rows"} unchanged` : ""}
            {result.errors.length ? `, ${result.errors.length} ${result.errors.length === 1 ? "row" : "rows"} with errors (not applied):` : "."}
          </Notice>
          {result.errors.length > 0 && (
            <ul className="list-inside list-disc text-sm text-red-800" aria-label="Rows with errors">
              {result.errors.map((rowError) => (
                <li key={`${rowError.line}:${rowError.message}`}>
                  Line {rowError.line}: {rowError.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
