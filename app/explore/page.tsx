import type { Metadata } from "next";
import { ExplorePage } from "@/components/home/explore";
import { firstValue, parsePage } from "@/lib/db/paging";
import { listPublicProjects } from "@/lib/projects/read";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { title: "Explore projects" };

export default async function ExploreRoute({ searchParams }: Props) {
  const query = await searchParams;
  const search = (firstValue(query.search) ?? "").trim().slice(0, 200);
  return <ExplorePage projects={await listPublicProjects({ search, page: parsePage(query.page) })} search={search} />;
}
