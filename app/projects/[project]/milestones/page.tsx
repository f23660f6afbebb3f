import type { Metadata } from "next";
import { MilestonesPage } from "@/components/projects/milestones/milestones-page";
import { projectFromParams, type ProjectParams } from "../project";

export const metadata: Metadata = { title: "Milestones" };

export default async function MilestonesRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  return <MilestonesPage project={project} />;
}
