import { CardSkeleton } from "@/components/ui/skeletons";

export default function ProjectLoading() {
  return <CardSkeleton lines={4} label="Loading project" />;
}
