import { z } from "zod";
import { db } from "@/lib/db";

const linksSchema = z.array(z.object({ name: z.string(), url: z.string() }));

/** The project's releases, newest first, with their asset links (the one read model for pages and the API; callers check read access). */
export async function listReleases(projectId: number) {
  const releases = await db.release.findMany({ where: { projectId }, orderBy: [{ releasedAt: "desc" }, { createdAt: "desc" }] });
  return releases.map((release) => ({ ...release, links: linksSchema.safeParse(release.links).data ?? [] }));
}

export type Release = Awaited<ReturnType<typeof listReleases>>[number];
