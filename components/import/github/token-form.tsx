"use client";

import { buttonStyles, inputStyles, Notice } from "@/components/ui/forms";
import { useFormAction } from "@/components/ui/use-form-action";
import { saveGithubAccessToken } from "@/lib/actions/account";

/** A GitHub personal access token for the user's imports, kept encrypted; GitHub is asked whose it is first. */
export function GithubTokenForm() {
  const { pending, message, submit } = useFormAction(
    (form) => saveGithubAccessToken({ token: String(form.get("token") ?? "") }),
    (saved) => `Token saved for GitHub @${saved.login}.`,
  );
  return (
    <form onSubmit={submit} className="max-w-md space-y-2" aria-label="GitHub personal access token">
      <label htmlFor="github-token" className="block text-sm font-medium text-slate-700">
        Personal access token
      </label>
      <input id="github-token" name="token" type="password" autoComplete="off" spellCheck={false} required className={inputStyles} placeholder="ghp_…" />
      <p className="text-xs text-slate-600">
        A classic token with the <code>repo</code> and <code>read:org</code> scopes (<code>gist</code> to import gists). Ferry keeps it encrypted and uses it for your
        GitHub imports only; remove it here or on your profile at any time.
      </p>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <button type="submit" disabled={pending} className={buttonStyles.primary}>
        {pending ? "Checking with GitHub…" : "Save token"}
      </button>
    </form>
  );
}
