import { CardSkeleton } from "@/components/ui/skeletons";

export default function MergeRequestTabLoading() {
  return <CardSkeleton lines={6} label="Loading the merge request" />;
}
