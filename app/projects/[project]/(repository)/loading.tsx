import { ListSkeleton } from "@/components/ui/skeletons";

export default function RepositoryLoading() {
  return <ListSkeleton label="Loading the repository" />;
}
