import type { Metadata } from "next";
import { LabelsPage } from "@/components/projects/labels/labels-page";
import { projectFromParams, type ProjectParams } from "../project";

export const metadata: Metadata = { title: "Labels" };

export default async function LabelsRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  return <LabelsPage project={project} />;
}
