import { NotFoundMessage } from "@/components/ui/not-found-message";

/** A snippet that does not exist, or one the visitor may not see (the two look alike). */
export default function SnippetNotFound() {
  return <NotFoundMessage>This snippet doesn&apos;t exist, or you don&apos;t have access to it.</NotFoundMessage>;
}
