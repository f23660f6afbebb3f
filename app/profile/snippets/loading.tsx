import { ListPageSkeleton } from "@/components/ui/skeletons";

export default function SnippetsLoading() {
  return <ListPageSkeleton title="Snippets" />;
}
