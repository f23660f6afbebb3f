import { createReadStream } from "node:fs";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { saveUpload } from "./uploads";

/** Test-only helpers for archive imports. */

export async function createUserWithProject(username: string, options: { bitbucket?: { uuid: string; accountId?: string; nickname?: string } } = {}) {
  const user = await db.user.create({ data: { username, name: `${username} (Ferry)` } });
  const namespace = await db.namespace.create({ data: { kind: "user", name: username, path: username, fullPath: username, ownerId: user.id } });
  if (options.bitbucket) {
    await db.account.create({
      data: {
        userId: user.id,
        type: "oauth",
        provider: "bitbucket",
        providerAccountId: options.bitbucket.uuid,
        externalAccountId: options.bitbucket.accountId ?? null,
        nickname: options.bitbucket.nickname ?? null,
      },
    });
  }
  const project = await db.project.create({ data: { namespaceId: namespace.id, name: "tracker", path: "tracker", fullPath: `${username}/tracker` } });
  const sessionUser: SessionUser = { id: user.id, username, name: user.name, email: null, image: null, isAdmin: false };
  return { user: sessionUser, project };
}

/** A linked Ferry user (no project) standing for a Bitbucket user of an export. */
export async function createLinkedFerryUser(username: string, bitbucket: { uuid: string; accountId?: string; nickname?: string }) {
  const user = await db.user.create({ data: { username, name: username } });
  await db.account.create({
    data: { userId: user.id, type: "oauth", provider: "bitbucket", providerAccountId: bitbucket.uuid, externalAccountId: bitbucket.accountId ?? null, nickname: bitbucket.nickname ?? null },
  });
  return user;
}

export async function uploadFile(ownerId: string, filePath: string, originalName = filePath.split("/").pop()!) {
  return saveUpload({ ownerId, originalName, body: createReadStream(filePath) });
}
