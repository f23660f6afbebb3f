import { VisibilityBadge } from "@/components/projects/badges";
import type { Visibility } from "@/lib/generated/prisma/enums";

const SNIPPET_AUDIENCE: Record<Visibility, string> = {
  private: "Only you (and administrators) can see this snippet.",
  internal: "Anyone signed in to Ferry can see this snippet.",
  public: "Anyone can see this snippet.",
};

export function SnippetVisibilityBadge({ visibility }: { visibility: Visibility }) {
  return <VisibilityBadge visibility={visibility} descriptions={SNIPPET_AUDIENCE} />;
}
