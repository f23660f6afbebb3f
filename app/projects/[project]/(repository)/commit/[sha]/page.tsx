import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CommitPage } from "@/components/projects/repository/commit-page";
import { readCommitWithDiff } from "@/lib/repository";
import { repositoryFromParams } from "../../repository";
import type { ProjectParams } from "../../../project";

type Props = { params: Promise<ProjectParams & { sha: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Commit ${(await params).sha.slice(0, 8)}` };
}

export default async function CommitRoute({ params }: Props) {
  const [{ project, repoPath }, { sha }] = await Promise.all([repositoryFromParams(params), params]);
  const view = (await readCommitWithDiff(repoPath, sha)) ?? notFound();
  return <CommitPage fullPath={project.fullPath} view={view} />;
}
