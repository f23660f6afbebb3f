import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function MilestonesLoading() {
  return <ListPageSkeleton title="Milestones" />;
}
