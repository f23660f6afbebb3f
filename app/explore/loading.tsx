import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function ExploreLoading() {
  return <ListPageSkeleton title="Explore projects" />;
}
