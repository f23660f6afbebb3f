import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function IssuesLoading() {
  return <ListPageSkeleton title="Issues" />;
}
