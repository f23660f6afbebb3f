import type { SessionUser } from "@/lib/auth";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { bitbucketServerClient, bitbucketServerProblem, checkedServerUrl, type BitbucketServerConnection } from "./start-bitbucket-server";

/**
 * The Bitbucket Servers a user connected (several allowed, each removable): URL, username and a
 * personal access token kept encrypted. Only their owner reads or removes them.
 */

export type ConnectionSummary = { id: number; serverUrl: string; username: string; current: boolean };

export async function listConnections(user: SessionUser): Promise<ConnectionSummary[]> {
  const rows = await db.bitbucketServerConnection.findMany({ where: { userId: user.id }, orderBy: { lastUsedAt: "desc" }, select: { id: true, serverUrl: true, username: true } });
  return rows.map((row, index) => ({ ...row, current: index === 0 }));
}

/** Checks the URL (outbound rules) and the credentials with the server, then stores (or refreshes) the connection and makes it the current one. */
export async function connect(user: SessionUser, input: BitbucketServerConnection): Promise<ConnectionSummary> {
  const serverUrl = await checkedServerUrl(input.serverUrl);
  const username = input.username.trim();
  try {
    await (await bitbucketServerClient({ serverUrl, username, token: input.token })).user(username);
  } catch (error) {
    throw bitbucketServerProblem(error);
  }
  const data = { tokenSecret: encryptSecret(input.token), lastUsedAt: new Date() };
  const row = await db.bitbucketServerConnection.upsert({
    where: { userId_serverUrl_username: { userId: user.id, serverUrl, username } },
    create: { userId: user.id, serverUrl, username, ...data },
    update: data,
  });
  return { id: row.id, serverUrl, username, current: true };
}

export async function removeConnection(user: SessionUser, id: number): Promise<void> {
  await db.bitbucketServerConnection.deleteMany({ where: { id, userId: user.id } });
}

/** Makes one of the user's connections the one the picker lists and imports from. */
export async function useConnection(user: SessionUser, id: number): Promise<void> {
  const { count } = await db.bitbucketServerConnection.updateMany({ where: { id, userId: user.id }, data: { lastUsedAt: new Date() } });
  if (count !== 1) throw new AppError("not_found", "That Bitbucket Server connection does not exist.");
}

/** The user's current connection with its token; an expected error when there is none. */
export async function currentConnection(user: SessionUser): Promise<BitbucketServerConnection> {
  const row = await db.bitbucketServerConnection.findFirst({ where: { userId: user.id }, orderBy: { lastUsedAt: "desc" } });
  if (!row) throw new AppError("bitbucket_server_not_connected", "Connect a Bitbucket Server first: its URL, your username and a personal access token.");
  return { serverUrl: row.serverUrl, username: row.username, token: decryptSecret(row.tokenSecret) };
}
