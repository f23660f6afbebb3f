import { Dashboard } from "@/components/home/dashboard";
import { requireUser } from "@/lib/auth";
import { firstValue, parsePage } from "@/lib/db/paging";
import { listMemberGroups } from "@/lib/namespaces/read";
import { listMemberProjects } from "@/lib/projects/read";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HomePage({ searchParams }: Props) {
  const user = await requireUser("/");
  const query = await searchParams;
  const search = (firstValue(query.search) ?? "").trim().slice(0, 200);
  const [projects, groups] = await Promise.all([listMemberProjects(user, { search, page: parsePage(query.page) }), listMemberGroups(user.id)]);
  return <Dashboard user={user} projects={projects} groups={groups} search={search} />;
}
