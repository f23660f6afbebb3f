import { createReadStream } from "node:fs";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { saveUpload } from "@/lib/archive/uploads";

/** Helpers for archive import tests: users with a project, uploads, synthetic exports. */

export async function createUserWithProject(username: string, options: { bitbucket?: { uuid: string; accountId?: string; nickname?: string }; admin?: boolean } = {}) {
  const user = await db.user.create({ data: { username, name: `${username} (Ferry)`, isAdmin: options.admin ?? false } });
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
  const sessionUser: SessionUser = { id: user.id, username, name: user.name, email: null, image: null, isAdmin: options.admin ?? false };
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

export type SyntheticExport = {
  issues: Array<Record<string, unknown>>;
  comments: Array<Record<string, unknown>>;
  logs: Array<Record<string, unknown>>;
  attachments: Array<Record<string, unknown>>;
  milestones: Array<{ name: string }>;
  components: Array<{ name: string }>;
  versions: Array<{ name: string }>;
  meta: Record<string, unknown>;
};

/** A db-1.0-style export: `issues` issues, each with `commentsPerIssue` comments and a status change. */
export function syntheticExport(options: { issues: number; commentsPerIssue?: number; firstId?: number }): SyntheticExport {
  const commentsPerIssue = options.commentsPerIssue ?? 2;
  const firstId = options.firstId ?? 1;
  const data: SyntheticExport = { issues: [], comments: [], logs: [], attachments: [], milestones: [{ name: "1.0" }], components: [], versions: [], meta: { default_kind: "bug" } };
  let commentId = 1000;
  for (let n = 0; n < options.issues; n++) {
    const id = firstId + n;
    const day = String(1 + (n % 28)).padStart(2, "0");
    data.issues.push({
      id,
      title: `Issue ${id}`,
      content: `Body of issue ${id}`,
      status: n % 3 === 0 ? "resolved" : "new",
      kind: "bug",
      priority: "major",
      reporter: "alice",
      assignee: null,
      component: null,
      milestone: n % 2 === 0 ? "1.0" : null,
      version: null,
      watchers: ["alice"],
      voters: [],
      created_on: `2014-01-${day}T10:00:00.000000+00:00`,
      updated_on: `2014-02-${day}T10:00:00.000000+00:00`,
    });
    for (let c = 0; c < commentsPerIssue; c++) {
      data.comments.push({ id: commentId++, issue: id, content: `Comment ${c + 1} on #${id}`, user: "bob", created_on: `2014-01-${day}T11:0${c % 10}:00+00:00`, updated_on: null });
    }
    if (n % 3 === 0) {
      data.comments.push({ id: commentId, issue: id, content: null, user: "alice", created_on: `2014-02-${day}T10:00:00+00:00`, updated_on: null });
      data.logs.push({ issue: id, comment: commentId, field: "status", changed_from: "new", changed_to: "resolved", user: "alice", created_on: `2014-02-${day}T10:00:00+00:00` });
      commentId++;
    }
  }
  return data;
}
