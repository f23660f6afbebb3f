import type { Metadata } from "next";
import { Suspense } from "react";
import { GithubPicker } from "@/components/import/github/source";
import { GithubTokenForm } from "@/components/import/github/token-form";
import { RepositoryTableSkeleton } from "@/components/import/picker/repository-table-skeleton";
import type { PickerDefaults } from "@/components/import/picker/source";
import { DisconnectButton, IdentityLinkButton } from "@/components/profile/account/account-controls";
import { Notice } from "@/components/ui/forms";
import { requireUser, type SessionUser } from "@/lib/auth";
import { githubAccessOf } from "@/lib/auth/github-credential";
import { oauthConfigured } from "@/lib/auth/identity-providers";
import { listImportableNamespaces } from "@/lib/namespaces/importable";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Import from GitHub" };
export const dynamic = "force-dynamic";

export default async function ImportGithubPage() {
  const user = await requireUser("/import/github");
  const [settings, access] = await Promise.all([getSettings(), githubAccessOf(user.id)]);
  const oauth = oauthConfigured("github");
  return (
    <div>
      <h1 className="text-2xl font-semibold">Import from GitHub</h1>
      <p className="mt-1 text-sm text-slate-600">
        Every repository you own, collaborate on or reach through an organization. Choose where each one goes: your personal namespace, a group where you are
        Maintainer or Owner, or a new group path (created with you as Owner).
      </p>
      {!settings.importSources.github ? (
        <Notice tone="warning" className="mt-6" testId="source-disabled">
          Importing from GitHub is disabled on this Ferry. An administrator can enable it in Admin → Settings.
        </Notice>
      ) : !access ? (
        <section className="mt-6 max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" aria-labelledby="connect-github">
          <h2 id="connect-github" className="font-medium">
            Connect GitHub
          </h2>
          {oauth ? (
            <>
              <p className="text-sm text-slate-600">
                Ferry asks GitHub for access to your repositories and organizations. Your GitHub account is then linked to you, so imports map your contributions to
                you.
              </p>
              <IdentityLinkButton provider="github" intent={{ mode: "connect" }} label="Connect GitHub" variant="primary" callbackPath="/import/github" />
              <details className="text-sm">
                <summary className="cursor-pointer text-slate-700">Use a personal access token instead</summary>
                <div className="mt-3">
                  <GithubTokenForm />
                </div>
              </details>
            </>
          ) : (
            <GithubTokenForm />
          )}
        </section>
      ) : (
        <>
          <div className="mt-4 flex flex-wrap items-center gap-3 text-sm text-slate-700" data-testid="github-access">
            <span>
              Importing as GitHub <strong>@{access.login}</strong> {access.kind === "token" ? "with a personal access token" : "(connected account)"}.
            </span>
            {access.kind === "token" && <DisconnectButton provider="github" identityId={access.accountId} nickname={access.login ?? "account"} label="Remove token" />}
          </div>
          <Suspense fallback={<RepositoryTableSkeleton />}>
            <Picker user={user} oauth={oauth} defaults={{ userMapping: settings.defaultUserMapping }} />
          </Suspense>
        </>
      )}
    </div>
  );
}

async function Picker({ user, oauth, defaults }: { user: SessionUser; oauth: boolean; defaults: PickerDefaults }) {
  const namespaces = await listImportableNamespaces(user);
  return <GithubPicker oauth={oauth} personalNamespace={namespaces[0]!.fullPath} namespaces={namespaces} defaults={defaults} />;
}
