import { NotFoundMessage } from "@/components/ui/not-found-message";

/** A missing issue, merge request, wiki page or section of a project the caller can read. */
export default function ProjectPageNotFound() {
  return <NotFoundMessage>This page doesn&apos;t exist in this project, or you don&apos;t have access to it.</NotFoundMessage>;
}
