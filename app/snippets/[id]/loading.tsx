import { ItemPageSkeleton } from "@/components/ui/skeletons";

export default function SnippetLoading() {
  return <ItemPageSkeleton label="Loading the snippet" />;
}
