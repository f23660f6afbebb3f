"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type InputHTMLAttributes } from "react";
import { buttonStyles, LabeledInput, Notice } from "@/components/ui/forms";
import { useFormAction } from "@/components/ui/use-form-action";
import { connectBitbucketServer, removeBitbucketServer, chooseBitbucketServer } from "@/lib/actions/bitbucket-server-picker";
import type { ConnectionSummary } from "@/lib/import/bitbucket-server-connections";

/** Connect a Bitbucket Server: its URL, a username and a personal access token (kept encrypted; checked with the server first). */
export function ConnectServerForm() {
  const { pending, message, submit } = useFormAction(
    (form) => connectBitbucketServer({ serverUrl: String(form.get("serverUrl") ?? ""), username: String(form.get("username") ?? ""), token: String(form.get("token") ?? "") }),
    (connection) => `Connected to ${connection.serverUrl} as ${connection.username}.`,
  );
  const field = (id: string, label: string, props: InputHTMLAttributes<HTMLInputElement>) => <LabeledInput id={id} label={label} {...props} />;
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" aria-label="Connect a Bitbucket Server">
      {field("bbs-url", "Server URL", { name: "serverUrl", type: "url", required: true, placeholder: "https://bitbucket.example.com", autoComplete: "url" })}
      {field("bbs-username", "Username", { name: "username", required: true, autoComplete: "username" })}
      {field("bbs-token", "Personal access token", { name: "token", type: "password", required: true, autoComplete: "off" })}
      {message && (
        <Notice tone={message.tone} className="sm:col-span-3">
          {message.text}
        </Notice>
      )}
      <div className="sm:col-span-3">
        <button type="submit" disabled={pending} className={buttonStyles.primary}>
          {pending ? "Connecting…" : "Connect"}
        </button>
      </div>
    </form>
  );
}

/** The user's servers: the current one is listed; another can be chosen or any removed. */
export function ServerConnections({ connections }: { connections: ConnectionSummary[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    startTransition(async () => {
      const result = await action();
      setError(result.ok ? null : (result.error?.message ?? "The change failed."));
      router.refresh();
    });
  return (
    <div>
      <ul className="divide-y divide-slate-100 rounded border border-slate-200" aria-label="Bitbucket Servers">
        {connections.map((connection) => (
          <li key={connection.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="bitbucket-server-connection">
            <span>
              <strong>{connection.serverUrl}</strong> as {connection.username}
              {connection.current && <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs text-brand-700">Listed below</span>}
            </span>
            <span className="flex gap-2">
              {!connection.current && (
                <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => run(() => chooseBitbucketServer({ id: connection.id }))}>
                  List its repositories
                </button>
              )}
              <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => run(() => removeBitbucketServer({ id: connection.id }))} aria-label={`Remove ${connection.serverUrl} (${connection.username})`}>
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      {error && <Notice tone="error" className="mt-2">{error}</Notice>}
    </div>
  );
}
