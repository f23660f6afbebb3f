import { db } from "@/lib/db";
import { addProgress } from "../records";
import { defineStage } from "./types";

/** The workspace's members, with the Ferry users they map to (for mentions and later remapping). */
export const usersStage = defineStage({
  name: "users",
  label: "users",
  objectTypes: ["user"],
  firstUnit: "members",
  async run(ctx, unit) {
    let cursor = unit.cursor;
    do {
      await ctx.checkpoint();
      const page = await ctx.source.membersPage(cursor);
      await addProgress(ctx.importId, "user", { total: page.total ?? undefined, fetched: page.items.length });
      const members = [];
      for (const member of page.items) {
        members.push({ member, data: { accountId: member.accountId, nickname: member.username, displayName: member.displayName, userId: await ctx.mappedUserFor(member) } });
      }
      await db.$transaction(
        members.map(({ member, data }) =>
          db.importSourceUser.upsert({ where: { importId_uuid: { importId: ctx.importId, uuid: member.id } }, create: { importId: ctx.importId, uuid: member.id, ...data }, update: data }),
        ),
      );
      await addProgress(ctx.importId, "user", { imported: page.items.length });
      cursor = page.next;
      await db.importWorkUnit.update({ where: { id: unit.id }, data: { cursor } });
    } while (cursor);
    return [];
  },
  async resetForRerun(tx, importId) {
    await tx.importWorkUnit.updateMany({ where: { importId, stage: "users" }, data: { cursor: null } });
  },
});
