import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function HomeLoading() {
  return <ListPageSkeleton title="Your projects" />;
}
