import { ItemPageSkeleton } from "@/components/ui/skeletons";

export default function MergeRequestLoading() {
  return <ItemPageSkeleton label="Loading merge request" />;
}
