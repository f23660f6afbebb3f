import { notFound, redirect } from "next/navigation";
import { GroupPage } from "@/components/groups/group-page";
import { OverviewPage } from "@/components/projects/overview/overview-page";
import { currentUser } from "@/lib/auth";
import { parsePage } from "@/lib/db/paging";
import { readGroupPage } from "@/lib/namespaces/group-page";
import { decodeRouteParam, namespaceHref } from "@/lib/projects/urls";
import { findGroupFromParams, findProjectFromParams, type ProjectParams, type SearchParams } from "../project";

type Props = { params: Promise<ProjectParams>; searchParams: Promise<SearchParams> };

/** A project's overview, or the page of the group at this path. */
export default async function ProjectOverviewRoute({ params, searchParams }: Props) {
  const loaded = await findProjectFromParams(params);
  if (loaded) return <OverviewPage project={loaded.project} />;
  const group = (await findGroupFromParams(params)) ?? notFound();
  if (decodeRouteParam((await params).project) !== group.fullPath) redirect(namespaceHref(group.fullPath));
  return <GroupPage data={await readGroupPage(await currentUser(), group, parsePage((await searchParams).page))} />;
}
