import type { Metadata } from "next";
import { Time } from "@/components/ui/time";
import { EmptyState, HeaderCell, PageHeading, Table, TableHead } from "@/components/ui/page-blocks";
import { requireUser } from "@/lib/auth";
import { listPersonalAccessTokens, TOKEN_SCOPE_DESCRIPTIONS, TOKEN_SCOPES, type TokenSummary } from "@/lib/tokens";
import { NewTokenForm } from "@/components/profile/access-tokens/new-token-form";
import { RevokeButton } from "@/components/profile/access-tokens/revoke-button";

export const metadata: Metadata = { title: "Access tokens" };

const STATE_STYLES: Record<TokenSummary["state"], string> = {
  active: "bg-green-50 text-green-800 ring-green-200",
  expired: "bg-amber-50 text-amber-900 ring-amber-200",
  revoked: "bg-slate-100 text-slate-700 ring-slate-200",
};

function tomorrowUtc(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10);
}

/** Profile → Access tokens: personal access tokens for the REST API and git over HTTP. */
export default async function AccessTokensPage() {
  const user = await requireUser("/profile/access_tokens");
  const tokens = await listPersonalAccessTokens(user.id);
  return (
    <div className="space-y-6">
      <PageHeading title="Access tokens">
        Personal access tokens authenticate scripts and GitLab clients with Ferry&apos;s REST API (<code>PRIVATE-TOKEN</code> header) and git over HTTP (your
        username <span className="font-mono">{user.username}</span> and the token as password).
      </PageHeading>
      <NewTokenForm scopes={TOKEN_SCOPES.map((value) => ({ value, description: TOKEN_SCOPE_DESCRIPTIONS[value] }))} minExpiry={tomorrowUtc()} />
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          Your tokens ({tokens.length})
        </h2>
        {tokens.length === 0 ? (
          <EmptyState testId="no-tokens">You have no access tokens yet.</EmptyState>
        ) : (
          <Table caption="Your personal access tokens">
            <TableHead>
              <HeaderCell>Name</HeaderCell>
              <HeaderCell>Token</HeaderCell>
              <HeaderCell>Scopes</HeaderCell>
              <HeaderCell>Created</HeaderCell>
              <HeaderCell>Last used</HeaderCell>
              <HeaderCell>Expires</HeaderCell>
              <HeaderCell>State</HeaderCell>
              <HeaderCell>
                <span className="sr-only">Actions</span>
              </HeaderCell>
            </TableHead>
            <tbody className="divide-y divide-slate-100">
              {tokens.map((token) => (
                <tr key={token.id} data-testid="token-row" data-state={token.state}>
                  <td className="px-4 py-2 font-medium">{token.name}</td>
                  <td className="px-4 py-2 font-mono text-xs text-slate-600">{token.tokenPrefix}…</td>
                  <td className="px-4 py-2 font-mono text-xs">{token.scopes.join(", ")}</td>
                  <td className="px-4 py-2 text-slate-600">
                    <Time value={token.createdAt} format="date" />
                  </td>
                  <td className="px-4 py-2 text-slate-600">{token.lastUsedAt ? <Time value={token.lastUsedAt} /> : "Never"}</td>
                  <td className="px-4 py-2 text-slate-600">{token.expiresAt ? <time dateTime={token.expiresAt.toISOString().slice(0, 10)}>{token.expiresAt.toISOString().slice(0, 10)}</time> : "Never"}</td>
                  <td className="px-4 py-2">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ${STATE_STYLES[token.state]}`}>{token.state}</span>
                  </td>
                  <td className="px-4 py-2 text-right">{token.state === "active" && <RevokeButton id={token.id} name={token.name} />}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </div>
  );
}
