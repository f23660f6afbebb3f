"use client";

import { useId, useState, useTransition } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { createAccessToken } from "@/lib/actions/access-tokens";

type Scope = { value: string; description: string };
type Created = { token: string; name: string };

/** Name, scopes and an optional expiry date; the new token is shown once, with a copy button. */
export function NewTokenForm({ scopes, minExpiry }: { scopes: Scope[]; minExpiry: string }) {
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();

  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const input = {
      name: String(data.get("name") ?? ""),
      scopes: data.getAll("scopes").map(String),
      expiresAt: String(data.get("expiresAt") ?? "") || undefined,
    };
    startTransition(async () => {
      const result = await createAccessToken(input);
      if (result.ok) {
        setCreated(result.data);
        setError(null);
        form.reset();
      } else {
        setError(result.error.message);
      }
    });
  }

  return (
    <div className="space-y-4">
      {created && (
        <div role="status" data-testid="new-token" className="rounded-lg border border-green-200 bg-green-50 p-4">
          <p className="text-sm font-medium text-green-900">Your new token “{created.name}” was created.</p>
          <p className="mt-1 text-sm text-green-900">Copy it now: it will not be shown again.</p>
          <div className="mt-3 flex items-center gap-2">
            <label htmlFor={`${id}-token`} className="sr-only">
              New personal access token
            </label>
            <input
              id={`${id}-token`}
              readOnly
              value={created.token}
              onFocus={(event) => event.currentTarget.select()}
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm"
            />
            <CopyButton value={created.token} label="Copy token" />
          </div>
        </div>
      )}
      <form
        aria-labelledby={`${id}-heading`}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        onSubmit={(event) => {
          event.preventDefault();
          submit(event.currentTarget);
        }}
      >
        <h2 id={`${id}-heading`} className="text-sm font-semibold text-slate-900">
          Add a new token
        </h2>
        <div>
          <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-700">
            Token name
          </label>
          <input id={`${id}-name`} name="name" required maxLength={255} className="mt-1 w-full max-w-md rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </div>
        <div>
          <label htmlFor={`${id}-expires`} className="block text-sm font-medium text-slate-700">
            Expiration date <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <input id={`${id}-expires`} name="expiresAt" type="date" min={minExpiry} className="mt-1 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
          <p className="mt-1 text-xs text-slate-500">The token stops working at the start of this day (UTC). Leave empty for a token that does not expire.</p>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          <div className="mt-1 space-y-2">
            {scopes.map((scope) => (
              <div key={scope.value} className="flex items-start gap-2">
                <input id={`${id}-scope-${scope.value}`} type="checkbox" name="scopes" value={scope.value} className="mt-1" />
                <label htmlFor={`${id}-scope-${scope.value}`} className="text-sm">
                  <span className="font-mono font-medium">{scope.value}</span>
                  <span className="block text-slate-600">{scope.description}</span>
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
        <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
    </div>
  );
}
