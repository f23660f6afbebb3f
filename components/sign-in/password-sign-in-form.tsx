"use client";

import { useState, useTransition, type FormEvent } from "react";
import { signInWithPassword } from "@/lib/actions/sign-in";
import { buttonStyles, inputStyles, Notice } from "@/components/ui/forms";

/** Username (or email) and password, for users an administrator created. */
export function PasswordSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    startTransition(async () => {
      const result = await signInWithPassword({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? ""), callbackUrl });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      // A full load, so the header and every server component see the new session.
      window.location.assign(result.data.redirectTo);
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Sign in with username and password">
      <div>
        <label htmlFor="sign-in-username" className="block text-sm font-medium text-slate-700">
          Username or email
        </label>
        <input id="sign-in-username" name="username" autoComplete="username" required className={`mt-1 ${inputStyles}`} />
      </div>
      <div>
        <label htmlFor="sign-in-password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required className={`mt-1 ${inputStyles}`} />
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <button type="submit" disabled={pending} className={`${buttonStyles.primary} w-full`}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
