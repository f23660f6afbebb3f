import type { Metadata } from "next";
import { BranchesPage } from "@/components/projects/repository/refs-page";
import { readBranches } from "@/lib/repository";
import { projectFromParams, type ProjectParams } from "../../project";

export const metadata: Metadata = { title: "Branches" };

export default async function BranchesRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project } = await projectFromParams(params);
  return <BranchesPage fullPath={project.fullPath} branches={await readBranches(project.id)} defaultBranch={project.defaultBranch} />;
}
