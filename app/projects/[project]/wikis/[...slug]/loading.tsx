import { ItemPageSkeleton } from "@/components/ui/skeletons";

export default function WikiPageLoading() {
  return <ItemPageSkeleton label="Loading wiki page" />;
}
