import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ImportPage } from "@/components/projects/import/import-page";
import { projectFromParams, type ProjectParams } from "../project";

export const metadata: Metadata = { title: "Import" };

export default async function ImportRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  if (!project.import) notFound();
  return <ImportPage project={project} />;
}
