import type { Visibility } from "@/lib/generated/prisma/enums";
import { Badge } from "@/components/projects/badges";

const VISIBILITY: Record<Visibility, { label: string; description: string }> = {
  private: { label: "Private", description: "Only you (and administrators) can see this snippet." },
  internal: { label: "Internal", description: "Anyone signed in to Ferry can see this snippet." },
  public: { label: "Public", description: "Anyone can see this snippet." },
};

export function SnippetVisibilityBadge({ visibility }: { visibility: Visibility }) {
  const { label, description } = VISIBILITY[visibility];
  return (
    <Badge tone={visibility === "public" ? "green" : "slate"} title={description} testId="snippet-visibility">
      {label}
    </Badge>
  );
}
