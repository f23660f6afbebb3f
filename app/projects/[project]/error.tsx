"use client";

import { PageError } from "@/components/ui/page-error";

/** An unexpected failure while rendering a project page. */
export default function ProjectPageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} testId="project-error" />;
}
