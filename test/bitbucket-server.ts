/**
 * The Bitbucket Server sandbox in tests: a real server (git included) that Ferry may reach
 * (ALLOWED_HOSTS), Ferry users with or without a linked Bitbucket Server identity, and an import
 * of a sandbox repository through the real pipeline.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { startBitbucketServerImport, type StartBitbucketServerImportInput } from "@/lib/import/start-bitbucket-server";
import type { UserMapping } from "@/lib/settings";
import { createUserWithNamespace } from "@/lib/users/create";
import { SERVER_USERS, startBitbucketServerSandbox, type BitbucketServerSandbox, type ServerStateOptions, type ServerUserName } from "@/mocks/bitbucket-server";
import { createServerState } from "@/mocks/bitbucket-server";
import { startImportWorkers } from "@/lib/import/workers";
import { resetDatabase } from "./db";
import { patchEnv } from "./env";
import { waitForImport } from "./import";

export async function startServerSandbox(options: ServerStateOptions = {}): Promise<{ sandbox: BitbucketServerSandbox; stop(): Promise<void> }> {
  const sandbox = await startBitbucketServerSandbox({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), "ferry-bbs-")), state: createServerState(options) });
  const restoreEnv = patchEnv({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "ferry-data-")), ALLOWED_HOSTS: new URL(sandbox.url).host });
  return {
    sandbox,
    stop: async () => {
      await sandbox.close();
      restoreEnv();
    },
  };
}

/** A Ferry user (personal namespace, the given e-mail), optionally an administrator, optionally with the sandbox user's identity linked. */
export async function ferryUser(username: string, options: { email?: string; admin?: boolean; linkTo?: ServerUserName } = {}): Promise<SessionUser> {
  const user = await db.$transaction((tx) => createUserWithNamespace(tx, { username, name: username, email: options.email ?? null, isAdmin: options.admin ?? false }));
  if (options.linkTo) {
    await db.account.create({ data: { userId: user.id, type: "external", provider: "bitbucket_server", providerAccountId: String(SERVER_USERS[options.linkTo].id), nickname: options.linkTo } });
  }
  return { id: user.id, username, name: username, email: user.email, image: null, isAdmin: user.isAdmin };
}

/** The connection of a sandbox user (name + personal access token). */
export function serverConnection(sandbox: BitbucketServerSandbox, name: ServerUserName = "alice") {
  return { serverUrl: sandbox.url, username: name, token: SERVER_USERS[name].token };
}

/** Imports a sandbox repository as `user` and waits for the end; returns the started import and its final row. */
export async function importFromServer(
  sandbox: BitbucketServerSandbox,
  user: SessionUser,
  repository: string,
  options: { as?: ServerUserName; userMapping?: UserMapping; input?: Partial<StartBitbucketServerImportInput> } = {},
) {
  const [projectKey, slug] = repository.split("/") as [string, string];
  const started = await startBitbucketServerImport(user, { connection: serverConnection(sandbox, options.as), projectKey, slug, userMapping: options.userMapping, ...options.input });
  const row = await waitForImport(started.importId);
  return { started, row };
}

/** A fresh database, the sandbox server, the import workers and alice (her Bitbucket Server identity linked). */
export async function startServerImportEnvironment() {
  await resetDatabase();
  const started = await startServerSandbox();
  await startImportWorkers();
  return { ...started, alice: await ferryUser("alice", { linkTo: "alice" }) };
}
