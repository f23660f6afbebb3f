import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CommitList } from "@/components/projects/repository/commit-list";
import { PathBreadcrumbs } from "@/components/projects/repository/path-breadcrumbs";
import { EmptyState } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";
import { parsePage } from "@/lib/db/paging";
import { listCommitsAt, projectRepository, repositoryDefaultBranch } from "@/lib/repository";
import { repositoryHref } from "@/lib/projects/urls";
import { projectFromParams, type SearchParams } from "../../../project";
import { locationFromParams, type RepositoryParams } from "../../repository";

type Props = { params: Promise<RepositoryParams>; searchParams: Promise<SearchParams> };

export const metadata: Metadata = { title: "Commits" };

/** The history of a ref (of a path at it); without a ref, of the default branch. */
export default async function CommitsRoute({ params, searchParams }: Props) {
  if (!(await params).path?.length) {
    const { project } = await projectFromParams(params);
    const repoPath = projectRepository(project.id);
    const branch = repoPath ? await repositoryDefaultBranch(repoPath) : null;
    if (!branch) return <EmptyState>This project&apos;s repository has no commits yet.</EmptyState>;
    redirect(repositoryHref(project.fullPath, "commits", branch));
  }
  const { project, repoPath, location } = await locationFromParams(params);
  const page = await listCommitsAt(repoPath, location, parsePage((await searchParams).page));
  return (
    <div>
      <PathBreadcrumbs fullPath={project.fullPath} refName={location.ref} path={location.path} />
      <div className="mt-3">
        <CommitList fullPath={project.fullPath} commits={page.commits} label="Commits" />
        <Pagination
          basePath={repositoryHref(project.fullPath, "commits", location.ref, location.path)}
          params={{}}
          page={page.page}
          pageCount={page.hasNext ? page.page + 1 : page.page}
          label="Commit pages"
        />
      </div>
    </div>
  );
}
