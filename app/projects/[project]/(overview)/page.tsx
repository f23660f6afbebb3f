import { OverviewPage } from "@/components/projects/overview/overview-page";
import { projectFromParams, type ProjectParams } from "../project";

export default async function ProjectOverviewRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  return <OverviewPage project={project} />;
}
