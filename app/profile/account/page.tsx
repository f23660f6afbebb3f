import type { Metadata } from "next";
import { Suspense } from "react";
import { DisconnectButton, IdentityLinkButton, PasswordForm, SwitchDecision } from "@/components/profile/account/account-controls";
import { Notice } from "@/components/ui/forms";
import { Time } from "@/components/ui/time";
import { PageHeading, Section } from "@/components/ui/page-blocks";
import { requireUser } from "@/lib/auth";
import { isLinkedProvider, oauthConfigured, PROVIDER_LABELS, type LinkedProvider } from "@/lib/auth/identity-providers";
import { checkIdentity, lastSignInMethodMessage, linkedIdentities, pendingSwitch, type LinkedIdentity } from "@/lib/auth/linking";
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
  const providerParam = param(params, "provider");
  const source = PROVIDER_LABELS[isLinkedProvider(providerParam) ? providerParam : "bitbucket"];
  switch (param(params, "error")) {
    case "linked_elsewhere":
      return { tone: "error", text: `The ${source} account @${nickname} is already linked to another Ferry user. A ${source} account can be linked to one Ferry user only; sign in to ${source} as the account you want to connect and try again.` };
    case "reconnect_other_linked":
      return { tone: "error", text: `${source} answered as @${nickname}, which is already linked to you, not as @${param(params, "expected") ?? "the account you reconnected"}. Sign in to ${source} as that account and reconnect again.` };
  }
  switch (param(params, "done")) {
    case "connected":
      return { tone: "success", text: `${source} is connected.` };
    case "reconnected":
      return { tone: "success", text: `${source} is reconnected; the ${source === "GitHub" ? "login" : "nickname"}, display name and access were refreshed.` };
    case "switched":
      return { tone: "success", text: `The linked ${source} account was switched.` };
    case "kept":
      return { tone: "success", text: `The linked ${source} account was kept.` };
  }
  return null;
}

/** Whether the stored names still match the source's: asked with the stored credential, failures shown. */
async function IdentityStatus({ identity }: { identity: LinkedIdentity }) {
  const check = await checkIdentity(identity);
  const source = PROVIDER_LABELS[identity.provider];
  const key = identity.provider === "github" ? "user id" : "uuid";
  switch (check.state) {
    case "current":
      return <p className="text-xs text-green-700">Matches {source}.</p>;
    case "renamed":
      return (
        <Notice tone="warning" testId="identity-renamed">
          {source} now calls this account <strong>@{check.current.login}</strong> ({check.current.name ?? "no display name"}); Ferry still has @{identity.nickname}. Your
          contributions still map to you (by {key}). Reconnect to update the stored names.
        </Notice>
      );
    case "other_account":
      return (
        <Notice tone="warning">
          The stored access belongs to another {source} account (@{check.current.login}). Reconnect {source}.
        </Notice>
      );
    case "unreachable":
      return (
        <Notice tone="warning" testId="identity-unchecked">
          Could not ask {source} for this account&apos;s current name: {check.message}
        </Notice>
      );
  }
}

function IdentityRow({ identity, canReconnect, refusal }: { identity: LinkedIdentity; canReconnect: boolean; refusal: string | null }) {
  const source = PROVIDER_LABELS[identity.provider];
  const github = identity.provider === "github";
  const nickname = identity.nickname ?? "account";
  return (
    <li className="py-3" data-testid="identity" data-provider={identity.provider} data-nickname={identity.nickname ?? ""}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Provider</dt>
          <dd>{source}</dd>
          <dt className="text-slate-500">{github ? "Login" : "Nickname"}</dt>
          <dd className="font-medium" data-testid="identity-nickname">
            @{identity.nickname ?? "?"}
          </dd>
          <dt className="text-slate-500">{github ? "Name" : "Display name"}</dt>
          <dd data-testid="identity-display-name">{identity.displayName ?? "—"}</dd>
          <dt className="text-slate-500">{github ? "User id" : "UUID"}</dt>
          <dd className="font-mono text-xs break-all" data-testid="identity-uuid">
            {identity.uuid}
          </dd>
          {identity.kind === "token" && (
            <>
              <dt className="text-slate-500">Access</dt>
              <dd>Personal access token</dd>
            </>
          )}
          <dt className="text-slate-500">Linked</dt>
          <dd>
            <Time value={identity.linkedAt} format="datetime" />
          </dd>
        </dl>
        <div className="flex flex-wrap items-start gap-2">
          {canReconnect && (
            <IdentityLinkButton
              provider={identity.provider}
              intent={{ mode: "reconnect", identityId: identity.id }}
              label="Reconnect"
              ariaLabel={github ? `Reconnect GitHub @${nickname}` : undefined}
            />
          )}
          <DisconnectButton provider={identity.provider} identityId={identity.id} nickname={nickname} label={identity.kind === "token" ? "Remove token" : "Disconnect"} refusal={refusal} />
        </div>
      </div>
      <div className="mt-2">
        <Suspense fallback={<p className="text-xs text-slate-500">Checking the name on {source}…</p>}>
          <IdentityStatus identity={identity} />
        </Suspense>
      </div>
    </li>
  );
}

export default async function AccountPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/profile/account");
  const params = await searchParams;
  const [identities, row] = await Promise.all([linkedIdentities(user.id), db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })]);
  const switchId = param(params, "switch");
  const replaceId = param(params, "replace");
  const switching = switchId && replaceId ? await pendingSwitch(user.id, switchId, replaceId) : null;
  const message = flash(params);
  const configured: Record<LinkedProvider, boolean> = { bitbucket: oauthConfigured("bitbucket"), github: oauthConfigured("github") };
  const hasPassword = Boolean(row.passwordHash);
  const githubIdentities = identities.filter((identity) => identity.provider === "github");

  return (
    <div className="space-y-6">
      <PageHeading title="Account">Your sign-in methods and the Bitbucket and GitHub identities imports map to you.</PageHeading>
      {message && (
        <Notice tone={message.tone} testId="account-message">
          {message.text}
        </Notice>
      )}
      {switching && (
        <SwitchDecision
          provider={switching.provider}
          pendingId={switching.id}
          replaceId={switching.replaceId}
          from={switching.replacing.nickname ?? "the linked account"}
          to={switching.nickname ?? switching.uuid}
        />
      )}

      <Section
        title="Linked identities"
        action={
          configured.bitbucket || configured.github ? (
            <div className="flex flex-wrap gap-2">
              {configured.bitbucket && <IdentityLinkButton provider="bitbucket" intent={{ mode: "connect" }} label="Connect Bitbucket" variant="primary" />}
              {configured.github && (
                <IdentityLinkButton provider="github" intent={{ mode: "connect" }} label={githubIdentities.length ? "Connect another GitHub account" : "Connect GitHub"} variant="primary" />
              )}
            </div>
          ) : undefined
        }
      >
        <p className="text-sm text-slate-600">
          Imports map contributions to you through these identities, by the account&apos;s uuid on Bitbucket and numeric user id on GitHub, so renaming yourself there
          does not break the mapping. Connect before a project is imported to be its author in Ferry.
        </p>
        {!configured.bitbucket && <p className="mt-2 text-sm text-amber-900">Bitbucket is not configured on this Ferry.</p>}
        {!configured.github && (
          <p className="mt-2 text-sm text-slate-600">
            No GitHub OAuth app is configured on this Ferry: add a GitHub personal access token on the <a className="underline" href="/import/github">GitHub import page</a> instead.
          </p>
        )}
        {identities.length === 0 ? (
          <p className="mt-4 text-sm text-slate-600" data-testid="no-identities">
            No Bitbucket or GitHub account is linked yet.
          </p>
        ) : (
          <ul className="mt-4 divide-y divide-slate-100" aria-label="Linked identities">
            {identities.map((identity) => (
              <IdentityRow
                key={identity.id}
                identity={identity}
                canReconnect={configured[identity.provider] && identity.kind === "oauth"}
                refusal={!hasPassword && identities.length === 1 ? lastSignInMethodMessage(identity.provider, identity.nickname) : null}
              />
            ))}
          </ul>
        )}
      </Section>

      <Section title={hasPassword ? "Password" : "Set a password"}>
        <p className="mb-3 text-sm text-slate-600">
          {hasPassword
            ? "You can sign in with your username and password."
            : "You sign in with a linked account only. A password gives you a second way to sign in, so that you can disconnect it."}
        </p>
        <PasswordForm hasPassword={hasPassword} />
      </Section>
    </div>
  );
}
