"use client";

import { PageError } from "@/components/ui/page-error";

/** An unexpected failure while rendering a snippet (its repository unreadable, say). */
export default function SnippetPageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} testId="snippet-error" />;
}
