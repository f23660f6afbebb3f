import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BlobViewPage } from "@/components/projects/repository/blob-view";
import { readBlobAt } from "@/lib/repository";
import { locationFromParams, type RepositoryParams } from "../../repository";

type Props = { params: Promise<RepositoryParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).path?.at(-1) ?? "File" };
}

export default async function BlobRoute({ params }: Props) {
  const { project, repoPath, location } = await locationFromParams(params);
  const blob = (await readBlobAt(project.id, repoPath, location)) ?? notFound();
  return <BlobViewPage fullPath={project.fullPath} location={location} blob={blob} />;
}
