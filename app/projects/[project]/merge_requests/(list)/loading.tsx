import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function MergerequestsLoading() {
  return <ListPageSkeleton title="Merge requests" />;
}
