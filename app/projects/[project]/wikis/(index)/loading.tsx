import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function WikiLoading() {
  return <ListPageSkeleton title="Wiki" />;
}
