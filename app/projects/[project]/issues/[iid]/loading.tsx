import { ItemPageSkeleton } from "@/components/ui/skeletons";

export default function IssueLoading() {
  return <ItemPageSkeleton label="Loading issue" />;
}
