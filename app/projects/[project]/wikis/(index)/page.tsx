import type { Metadata } from "next";
import { WikiIndexPage } from "@/components/projects/wikis/wiki-index-page";
import { projectFromParams, type ProjectParams } from "../../project";

export const metadata: Metadata = { title: "Wiki" };

export default async function WikiIndexRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project, access } = await projectFromParams(params);
  return <WikiIndexPage project={project} canManage={access.canManage} />;
}
