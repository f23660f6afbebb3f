import type { ReactNode } from "react";
import { RepositoryNav } from "@/components/projects/repository/repository-nav";
import { projectHref, repositoryHref } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../project";

/** The repository's pages share a row of tabs: Files, Commits, Branches, Tags. */
export default async function RepositoryLayout({ params, children }: { params: Promise<ProjectParams>; children: ReactNode }) {
  const { project } = await projectFromParams(params);
  const ref = project.defaultBranch;
  const tabs = [
    { key: "files", label: "Files", href: ref ? repositoryHref(project.fullPath, "tree", ref) : projectHref(project.fullPath, "tree") },
    { key: "commits", label: "Commits", href: ref ? repositoryHref(project.fullPath, "commits", ref) : projectHref(project.fullPath, "commits") },
    { key: "branches", label: "Branches", href: projectHref(project.fullPath, "branches") },
    { key: "tags", label: "Tags", href: projectHref(project.fullPath, "tags") },
  ];
  return (
    <div>
      <RepositoryNav tabs={tabs} />
      <div className="mt-4">{children}</div>
    </div>
  );
}
