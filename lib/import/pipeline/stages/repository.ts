import { db, type Prisma } from "@/lib/db";
import { importRepository } from "../repository-stage";
import { defineStage } from "./types";

/** Git data, wiki, labels and milestones; without the git data there is nothing to import into. */
export const repositoryStage = defineStage({
  name: "repository",
  label: "repository",
  objectTypes: ["repository", "wiki", "label", "milestone"],
  firstUnit: "repository",
  // A clone of a large repository takes long.
  expireInSeconds: 4 * 3600,
  essential: true,
  singleUnit: true,
  async run(ctx) {
    const repository = await ctx.source.repository();
    await db.projectImport.update({
      where: { id: ctx.importId },
      data: { options: { ...((ctx.row.options as object | null) ?? {}), repository } as Prisma.InputJsonValue },
    });
    await importRepository(ctx, repository);
    return [];
  },
});
