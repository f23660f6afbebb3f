import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WikiPageView } from "@/components/projects/wikis/wiki-page";
import { readWikiPage } from "@/lib/projects/wiki";
import { decodeRouteParam } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../../project";

type Props = { params: Promise<ProjectParams & { slug: string[] }> };

async function slugOf(params: Props["params"]): Promise<string> {
  return (await params).slug.map(decodeRouteParam).join("/");
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${(await slugOf(params)).split("/").pop()} · Wiki` };
}

export default async function WikiPageRoute({ params }: Props) {
  const [{ project }, slug] = await Promise.all([projectFromParams(params), slugOf(params)]);
  const wiki = await readWikiPage(project.id, slug);
  if (!wiki) notFound();
  return <WikiPageView project={project} wiki={wiki} />;
}
