import { BitbucketForbiddenError, BitbucketNotFoundError, type BitbucketClient, type BitbucketUser } from "@/lib/bitbucket";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { normalizeUuid } from "./mapping";

/**
 * Before an import: which of a workspace's members already map to Ferry users (they linked their
 * Bitbucket account) and who does not, so the people missing can connect Bitbucket first. Mapping
 * is by uuid, exactly as the import maps contributions.
 */

export type WorkspaceMember = {
  uuid: string;
  nickname: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  /** The Ferry user the member maps to, or null. */
  ferryUser: { username: string; name: string | null } | null;
};

export type WorkspaceMappingSummary = {
  workspace: string;
  total: number;
  mapped: number;
  members: WorkspaceMember[];
};

export async function mapWorkspaceMembers(workspace: string, members: readonly BitbucketUser[]): Promise<WorkspaceMappingSummary> {
  const people = members.filter((member) => member.type === null || member.type === "user");
  const variants = people.flatMap((member) => [member.uuid, normalizeUuid(member.uuid)]);
  const accountIds = people.flatMap((member) => (member.accountId ? [member.accountId] : []));
  const accounts = await db.account.findMany({
    where: { provider: "bitbucket", user: { kind: "human" }, OR: [{ providerAccountId: { in: variants } }, { externalAccountId: { in: accountIds } }] },
    select: { providerAccountId: true, externalAccountId: true, user: { select: { username: true, name: true } } },
  });
  const byUuid = new Map(accounts.map((account) => [normalizeUuid(account.providerAccountId), account.user]));
  const byAccountId = new Map(accounts.flatMap((account) => (account.externalAccountId ? [[account.externalAccountId, account.user] as const] : [])));
  const rows = people
    .map(
      (member): WorkspaceMember => ({
        uuid: member.uuid,
        nickname: member.nickname,
        displayName: member.displayName,
        avatarUrl: member.avatarUrl,
        ferryUser: byUuid.get(normalizeUuid(member.uuid)) ?? (member.accountId ? byAccountId.get(member.accountId) : undefined) ?? null,
      }),
    )
    // Unmapped first: they are the ones to act on.
    .sort((a, b) => Number(a.ferryUser !== null) - Number(b.ferryUser !== null) || (a.displayName ?? a.nickname ?? "").localeCompare(b.displayName ?? b.nickname ?? ""));
  return { workspace, total: rows.length, mapped: rows.filter((row) => row.ferryUser).length, members: rows };
}

/**
 * The summary for a workspace the client's user can see (members are listed with their
 * credential). A workspace they cannot see is a 404; other Bitbucket errors pass through.
 */
export async function workspaceMappingSummary(client: BitbucketClient, workspace: string): Promise<WorkspaceMappingSummary> {
  let members: BitbucketUser[];
  try {
    members = await client.listWorkspaceMembers(workspace);
  } catch (error) {
    if (error instanceof BitbucketNotFoundError || error instanceof BitbucketForbiddenError) {
      throw new AppError("workspace_not_found", `Bitbucket workspace ${workspace} was not found, or you are not one of its members.`, { cause: error });
    }
    throw error;
  }
  return mapWorkspaceMembers(workspace, members);
}
