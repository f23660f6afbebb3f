import type { Metadata } from "next";
import { Suspense } from "react";
import { BitbucketLinkButton, DisconnectButton, PasswordForm, SwitchDecision } from "@/components/profile/account/account-controls";
import { Notice } from "@/components/ui/forms";
import { Time } from "@/components/ui/time";
import { PageHeading, Section } from "@/components/ui/page-blocks";
import { requireUser } from "@/lib/auth";
import { checkIdentity, lastSignInMethodMessage, linkedIdentities, pendingSwitch, type LinkedIdentity } from "@/lib/auth/linking";
import { config } from "@/lib/config";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Account" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

function param(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

function flash(params: SearchParams): { tone: "error" | "success"; text: string } | null {
  const nickname = param(params, "nickname") ?? "this account";
  switch (param(params, "error")) {
    case "linked_elsewhere":
      return { tone: "error", text: `The Bitbucket account @${nickname} is already linked to another Ferry user. A Bitbucket account can be linked to one Ferry user only; sign in to Bitbucket as the account you want to connect and try again.` };
    case "reconnect_other_linked":
      return { tone: "error", text: `Bitbucket answered as @${nickname}, which is already linked to you, not as @${param(params, "expected") ?? "the account you reconnected"}. Sign in to Bitbucket as that account and reconnect again.` };
  }
  switch (param(params, "done")) {
    case "connected":
      return { tone: "success", text: "Bitbucket is connected." };
    case "reconnected":
      return { tone: "success", text: "Bitbucket is reconnected; the nickname, display name and access were refreshed." };
    case "switched":
      return { tone: "success", text: "The linked Bitbucket account was switched." };
    case "kept":
      return { tone: "success", text: "The linked Bitbucket account was kept." };
  }
  return null;
}

/** Whether the stored names still match Bitbucket's: asked with the stored credential, failures shown. */
async function IdentityStatus({ identity }: { identity: LinkedIdentity }) {
  const check = await checkIdentity(identity);
  switch (check.state) {
    case "current":
      return <p className="text-xs text-green-700">Matches Bitbucket.</p>;
    case "renamed":
      return (
        <Notice tone="warning" testId="identity-renamed">
          Bitbucket now calls this account <strong>@{check.current.nickname}</strong> ({check.current.displayName}); Ferry still has @{identity.nickname}. Your contributions
          still map to you (by uuid). Reconnect to update the stored names.
        </Notice>
      );
    case "other_account":
      return (
        <Notice tone="warning">
          The stored access belongs to another Bitbucket account (@{check.current.nickname}). Reconnect Bitbucket.
        </Notice>
      );
    case "unreachable":
      return (
        <Notice tone="warning" testId="identity-unchecked">
          Could not ask Bitbucket for this account&apos;s current name: {check.message}
        </Notice>
      );
  }
}

export default async function AccountPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/profile/account");
  const params = await searchParams;
  const [identities, row] = await Promise.all([linkedIdentities(user.id), db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })]);
  const switchId = param(params, "switch");
  const replaceId = param(params, "replace");
  const switching = switchId && replaceId ? await pendingSwitch(user.id, switchId, replaceId) : null;
  const message = flash(params);
  const bitbucketConfigured = Boolean(config().BITBUCKET_CLIENT_ID && config().BITBUCKET_CLIENT_SECRET);
  const hasPassword = Boolean(row.passwordHash);

  return (
    <div className="space-y-6">
      <PageHeading title="Account">Your sign-in methods and the Bitbucket identities imports map to you.</PageHeading>
      {message && (
        <Notice tone={message.tone} testId="account-message">
          {message.text}
        </Notice>
      )}
      {switching && (
        <SwitchDecision pendingId={switching.id} replaceId={switching.replaceId} from={switching.replacing.nickname ?? "the linked account"} to={switching.nickname ?? switching.uuid} />
      )}

      <Section
        title="Linked identities"
        action={bitbucketConfigured ? <BitbucketLinkButton intent={{ mode: "connect" }} label="Connect Bitbucket" variant="primary" /> : undefined}
      >
        <p className="text-sm text-slate-600">
          Imports map Bitbucket contributions to you through these identities, by the account&apos;s uuid, so renaming yourself on Bitbucket does not break the
          mapping. Connect Bitbucket before a project is imported to be its author in Ferry.
        </p>
        {!bitbucketConfigured && <p className="mt-2 text-sm text-amber-900">Bitbucket is not configured on this Ferry.</p>}
        {identities.length === 0 ? (
          <p className="mt-4 text-sm text-slate-600" data-testid="no-identities">
            No Bitbucket account is linked yet.
          </p>
        ) : (
          <ul className="mt-4 divide-y divide-slate-100" aria-label="Linked identities">
            {identities.map((identity) => (
              <li key={identity.id} className="py-3" data-testid="identity" data-nickname={identity.nickname ?? ""}>
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt className="text-slate-500">Provider</dt>
                    <dd>Bitbucket</dd>
                    <dt className="text-slate-500">Nickname</dt>
                    <dd className="font-medium" data-testid="identity-nickname">
                      @{identity.nickname ?? "?"}
                    </dd>
                    <dt className="text-slate-500">Display name</dt>
                    <dd data-testid="identity-display-name">{identity.displayName ?? "—"}</dd>
                    <dt className="text-slate-500">UUID</dt>
                    <dd className="font-mono text-xs break-all" data-testid="identity-uuid">
                      {identity.uuid}
                    </dd>
                    <dt className="text-slate-500">Linked</dt>
                    <dd>
                      <Time value={identity.linkedAt} format="datetime" />
                    </dd>
                  </dl>
                  <div className="flex flex-wrap items-start gap-2">
                    {bitbucketConfigured && <BitbucketLinkButton intent={{ mode: "reconnect", identityId: identity.id }} label="Reconnect" />}
                    <DisconnectButton
                      identityId={identity.id}
                      nickname={identity.nickname ?? "account"}
                      refusal={!hasPassword && identities.length === 1 ? lastSignInMethodMessage(identity.nickname) : null}
                    />
                  </div>
                </div>
                <div className="mt-2">
                  <Suspense fallback={<p className="text-xs text-slate-500">Checking the name on Bitbucket…</p>}>
                    <IdentityStatus identity={identity} />
                  </Suspense>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={hasPassword ? "Password" : "Set a password"}>
        <p className="mb-3 text-sm text-slate-600">
          {hasPassword
            ? "You can sign in with your username and password."
            : "You sign in with Bitbucket only. A password gives you a second way to sign in, so that you can disconnect Bitbucket."}
        </p>
        <PasswordForm hasPassword={hasPassword} />
      </Section>
    </div>
  );
}
