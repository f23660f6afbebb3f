import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { TreeViewPage } from "@/components/projects/repository/tree-view";
import { EmptyState } from "@/components/ui/page-blocks";
import { projectRepository, readTreeAt, repositoryDefaultBranch } from "@/lib/repository";
import { repositoryHref } from "@/lib/projects/urls";
import { projectFromParams } from "../../../project";
import { locationFromParams, type RepositoryParams } from "../../repository";

type Props = { params: Promise<RepositoryParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).path?.length ? "Files" : "Repository" };
}

/** A directory at a ref; without a ref, the default branch's root. */
export default async function TreeRoute({ params }: Props) {
  if (!(await params).path?.length) {
    const { project } = await projectFromParams(params);
    const repoPath = projectRepository(project.id);
    const branch = repoPath ? await repositoryDefaultBranch(repoPath) : null;
    if (!branch) return <EmptyState testId="repository-empty">This project&apos;s repository is empty, or has not been imported yet.</EmptyState>;
    redirect(repositoryHref(project.fullPath, "tree", branch));
  }
  const { project, repoPath, location } = await locationFromParams(params);
  const tree = (await readTreeAt(repoPath, location)) ?? notFound();
  return <TreeViewPage fullPath={project.fullPath} location={location} tree={tree} />;
}
