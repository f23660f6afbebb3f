"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { changePassword, confirmSwitch, declineSwitch, disconnectBitbucket, prepareBitbucketLink } from "@/lib/actions/account";
import { buttonStyles, inputStyles, Notice } from "@/components/ui/forms";
import { useFormAction } from "@/components/ui/use-form-action";

type Intent = { mode: "connect" } | { mode: "reconnect"; identityId: string };

/** Connect or Reconnect: records the intent on the server, then goes to Bitbucket. */
export function BitbucketLinkButton({ intent, label, variant = "secondary", disabled = false }: { intent: Intent; label: string; variant?: "primary" | "secondary"; disabled?: boolean }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function start() {
    setError(null);
    startTransition(async () => {
      const result = await prepareBitbucketLink(intent);
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      await signIn("bitbucket", { callbackUrl: `/profile/account?done=${intent.mode === "connect" ? "connected" : "reconnected"}` });
    });
  }
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button type="button" onClick={start} disabled={pending || disabled} className={buttonStyles[variant]}>
        {pending ? "Opening Bitbucket…" : label}
      </button>
      {error && <Notice tone="error">{error}</Notice>}
    </span>
  );
}

/** `refusal`: why disconnecting would be refused, known before asking (the only way to sign in); said on click, without a confirmation first. */
export function DisconnectButton({ identityId, nickname, refusal }: { identityId: string; nickname: string; refusal: string | null }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function disconnect() {
    if (refusal) return setError(refusal);
    if (!window.confirm(`Disconnect Bitbucket @${nickname}? Future imports will no longer map @${nickname}'s contributions to you.`)) return;
    setError(null);
    startTransition(async () => {
      const result = await disconnectBitbucket({ identityId });
      if (!result.ok) setError(result.error.message);
      else router.refresh();
    });
  }
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button type="button" onClick={disconnect} disabled={pending} className={buttonStyles.danger} aria-label={`Disconnect Bitbucket @${nickname}`}>
        {pending ? "Disconnecting…" : "Disconnect"}
      </button>
      {error && (
        <Notice tone="error" testId="disconnect-error" className="max-w-md">
          {error}
        </Notice>
      )}
    </span>
  );
}

/** After Reconnect came back with another Bitbucket account: switch to it, or keep the linked one. */
export function SwitchDecision({ pendingId, replaceId, from, to }: { pendingId: string; replaceId: string; from: string; to: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function decide(which: "switch" | "keep") {
    setError(null);
    startTransition(async () => {
      const result = which === "switch" ? await confirmSwitch({ pendingId, replaceId }) : await declineSwitch({ pendingId });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      router.replace(`/profile/account?done=${which === "switch" ? "switched" : "kept"}`);
      router.refresh();
    });
  }
  return (
    <Notice tone="warning" testId="switch-decision">
      <p>
        You reconnected <strong>@{from}</strong>, but Bitbucket answered as <strong>@{to}</strong>. Switch the linked account to @{to}? Contributions of
        @{from} will then no longer map to you in future imports.
      </p>
      <div className="mt-2 flex gap-2">
        <button type="button" disabled={pending} onClick={() => decide("switch")} className={buttonStyles.primary}>
          Switch to @{to}
        </button>
        <button type="button" disabled={pending} onClick={() => decide("keep")} className={buttonStyles.secondary}>
          Keep @{from}
        </button>
      </div>
      {error && (
        <Notice tone="error" className="mt-2">
          {error}
        </Notice>
      )}
    </Notice>
  );
}

export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const { pending, message, submit } = useFormAction(
    (form) =>
      changePassword({
        currentPassword: hasPassword ? String(form.get("currentPassword") ?? "") : undefined,
        newPassword: String(form.get("newPassword") ?? ""),
        confirmation: String(form.get("confirmation") ?? ""),
      }),
    () => (hasPassword ? "Password changed." : "Password set. You can now sign in with your username and password."),
  );
  return (
    <form onSubmit={submit} className="max-w-sm space-y-3" aria-label={hasPassword ? "Change password" : "Set a password"}>
      {hasPassword && (
        <div>
          <label htmlFor="current-password" className="block text-sm font-medium text-slate-700">
            Current password
          </label>
          <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required className={`mt-1 ${inputStyles}`} />
        </div>
      )}
      <div>
        <label htmlFor="new-password" className="block text-sm font-medium text-slate-700">
          New password
        </label>
        <input id="new-password" name="newPassword" type="password" autoComplete="new-password" minLength={8} required className={`mt-1 ${inputStyles}`} />
      </div>
      <div>
        <label htmlFor="confirm-password" className="block text-sm font-medium text-slate-700">
          Confirm new password
        </label>
        <input id="confirm-password" name="confirmation" type="password" autoComplete="new-password" minLength={8} required className={`mt-1 ${inputStyles}`} />
      </div>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <button type="submit" disabled={pending} className={buttonStyles.primary}>
        {pending ? "Saving…" : hasPassword ? "Change password" : "Set password"}
      </button>
    </form>
  );
}
