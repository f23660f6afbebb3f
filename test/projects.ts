import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";

/** alice, bob and carol, and the project acme/rocket (private unless asked) in the group acme, nobody a member. */
export async function seedProject(options: { visibility?: "private" | "public"; fullPath?: string } = {}) {
  const alice = await db.user.create({ data: { username: "alice", name: "Alice Anders" } });
  const bob = await db.user.create({ data: { username: "bob", name: "Bob Brown" } });
  const carol = await db.user.create({ data: { username: "carol", name: "Carol Chen" } });
  const namespace = await db.namespace.create({ data: { kind: "group", name: "acme", path: "acme", fullPath: "acme" } });
  const project = await db.project.create({
    data: { namespaceId: namespace.id, name: "Rocket", path: "rocket", fullPath: options.fullPath ?? "acme/rocket", visibility: options.visibility ?? "private" },
  });
  return { alice, bob, carol, namespace, project };
}

export function sessionOf(row: { id: string; username: string }): SessionUser {
  return { id: row.id, username: row.username, name: null, email: null, image: null, isAdmin: false };
}

/** 2026-01-01 12:<minute> UTC. */
export const minuteAt = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
