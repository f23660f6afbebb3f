import type { Metadata } from "next";
import { TagsPage } from "@/components/projects/repository/refs-page";
import { readTags } from "@/lib/repository";
import { projectFromParams, type ProjectParams } from "../../project";

export const metadata: Metadata = { title: "Tags" };

export default async function TagsRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  return <TagsPage fullPath={project.fullPath} tags={await readTags(project.id)} />;
}
