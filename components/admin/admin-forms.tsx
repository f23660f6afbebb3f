"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent, type InputHTMLAttributes } from "react";
import { createUserAsAdmin, saveSettings } from "@/lib/actions/admin";
import type { Settings } from "@/lib/settings";
import { buttonStyles, inputStyles, LabeledInput, Notice } from "@/components/ui/forms";
import { useFormAction } from "@/components/ui/use-form-action";

export function CreateUserForm() {
  const { pending, message, submit } = useFormAction(
    (form) =>
      createUserAsAdmin({
        username: String(form.get("username") ?? ""),
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? "").trim() || undefined,
        password: String(form.get("password") ?? ""),
        admin: form.get("admin") === "on",
      }),
    (user) => `Created @${user.username}. They sign in with their username (or email) and this password.`,
  );
  const field = (id: string, label: string, props: InputHTMLAttributes<HTMLInputElement>) => <LabeledInput id={id} label={label} {...props} />;
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" aria-label="Create a user">
      {field("new-user-username", "Username", { name: "username", required: true, autoComplete: "off" })}
      {field("new-user-email", "Email", { name: "email", type: "email", required: true, autoComplete: "off" })}
      {field("new-user-name", "Name (optional)", { name: "name", autoComplete: "off" })}
      {field("new-user-password", "Password (at least 8 characters)", { name: "password", type: "password", required: true, minLength: 8, autoComplete: "new-password" })}
      <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
        <input type="checkbox" name="admin" className="h-4 w-4" /> Administrator
      </label>
      {message && (
        <Notice tone={message.tone} className="sm:col-span-2">
          {message.text}
        </Notice>
      )}
      <div className="sm:col-span-2">
        <button type="submit" disabled={pending} className={buttonStyles.primary}>
          {pending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}

const SOURCE_LABELS: Record<keyof Settings["importSources"], string> = {
  bitbucket_cloud: "Bitbucket Cloud",
  bitbucket_server: "Bitbucket Server",
  github: "GitHub",
};

export function SettingsForm({ settings, availableSources }: { settings: Settings; availableSources: readonly string[] }) {
  const sources = (Object.keys(SOURCE_LABELS) as Array<keyof Settings["importSources"]>).filter((source) => availableSources.includes(source));
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setMessage(null);
    startTransition(async () => {
      const result = await saveSettings({
        bitbucketSignInEnabled: form.get("bitbucketSignInEnabled") === "on",
        githubSignInEnabled: form.get("githubSignInEnabled") === "on",
        // Sources not offered keep their setting.
        importSources: {
          ...settings.importSources,
          ...Object.fromEntries(sources.map((source) => [source, form.get(`source.${source}`) === "on"])),
        },
        defaultUserMapping: form.get("defaultUserMapping") === "placeholders" ? "placeholders" : "attribution",
        importRateLimitPerMinute: Number(form.get("importRateLimitPerMinute")),
      });
      setMessage(result.ok ? { tone: "success", text: "Settings saved." } : { tone: "error", text: result.error.message });
      if (result.ok) router.refresh();
    });
  }
  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Instance settings">
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900">Sign-in</legend>
        <label className="mt-2 flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" name="bitbucketSignInEnabled" defaultChecked={settings.bitbucketSignInEnabled} className="mt-0.5 h-4 w-4" />
          <span>
            Allow signing in with Bitbucket
            <span className="block text-slate-500">
              When off, the sign-in page offers only username and password, and Bitbucket refuses to sign anyone in. Importing from Bitbucket keeps working: users
              connect Bitbucket from their profile.
            </span>
          </span>
        </label>
        <label className="mt-2 flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" name="githubSignInEnabled" defaultChecked={settings.githubSignInEnabled} className="mt-0.5 h-4 w-4" />
          <span>
            Allow signing in with GitHub
            <span className="block text-slate-500">
              Off by default. When on (and a GitHub OAuth app is configured), the sign-in page offers GitHub, and a GitHub account not linked to anyone creates a Ferry
              user. Connecting GitHub for imports works either way.
            </span>
          </span>
        </label>
      </fieldset>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900">Import sources</legend>
        <div className="mt-2 space-y-1">
          {sources.map((source) => (
            <label key={source} className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name={`source.${source}`} defaultChecked={settings.importSources[source]} className="h-4 w-4" />
              {SOURCE_LABELS[source]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900">Contributions of unmapped users (default for new imports)</legend>
        <div className="mt-2 space-y-2">
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input type="radio" name="defaultUserMapping" value="attribution" defaultChecked={settings.defaultUserMapping === "attribution"} className="mt-0.5 h-4 w-4" />
            <span>
              Importing user, with a <code>*Created by: nickname*</code> line
              <span className="block text-slate-500">The importing user becomes the author; the text names who wrote it.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input type="radio" name="defaultUserMapping" value="placeholders" defaultChecked={settings.defaultUserMapping === "placeholders"} className="mt-0.5 h-4 w-4" />
            <span>
              Placeholder users
              <span className="block text-slate-500">
                Each unmapped Bitbucket user gets a placeholder per top-level group; its Owners can later reassign the contributions to Ferry users.
              </span>
            </span>
          </label>
        </div>
      </fieldset>
      <div>
        <label htmlFor="import-rate-limit" className="block text-sm font-semibold text-slate-900">
          Imports a user may start per minute through the API
        </label>
        <input
          id="import-rate-limit"
          name="importRateLimitPerMinute"
          type="number"
          min={1}
          step={1}
          required
          defaultValue={settings.importRateLimitPerMinute}
          className={`mt-1 max-w-32 ${inputStyles}`}
        />
      </div>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <button type="submit" disabled={pending} className={buttonStyles.primary}>
        {pending ? "Saving…" : "Save settings"}
      </button>
    </form>
  );
}
