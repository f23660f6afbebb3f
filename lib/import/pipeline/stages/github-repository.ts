import { db, type Prisma } from "@/lib/db";
import type { SourceRepository } from "@/lib/import/sources/types";
import { importGitData } from "../repository-stage";
import { defineStage } from "./types";

/** Git data (branches, tags, pull request heads as merge request heads) and the wiki; without the git data there is nothing to import into. */
export const githubRepositoryStage = defineStage({
  name: "github_repository",
  label: "repository",
  objectTypes: ["repository", "wiki"],
  firstUnit: "repository",
  // A clone of a large repository takes long.
  expireInSeconds: 4 * 3600,
  essential: true,
  singleUnit: true,
  async run(ctx) {
    // The start read the repository already; it is fetched again only when that was not recorded.
    let repository = (ctx.row.options as { repository?: SourceRepository } | null)?.repository;
    if (!repository) {
      repository = await ctx.github.repository();
      await db.projectImport.update({
        where: { id: ctx.importId },
        data: { options: { ...((ctx.row.options as object | null) ?? {}), repository } as Prisma.InputJsonValue },
      });
    }
    await importGitData(ctx, repository);
    return [];
  },
});
