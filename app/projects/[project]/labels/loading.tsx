import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function LabelsLoading() {
  return <ListPageSkeleton title="Labels" />;
}
