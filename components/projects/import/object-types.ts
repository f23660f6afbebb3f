import { humanize } from "@/components/ui/format";

const OBJECT_TYPE_NAMES: Record<string, string> = {
  repository: "Repository",
  wiki: "Wiki",
  label: "Labels",
  milestone: "Milestones",
  user: "Users",
  branch: "Branches",
  tag: "Tags",
  pull_request: "Pull requests",
  pull_request_note: "Pull request comments",
  approval: "Approvals",
  issue: "Issues",
  issue_note: "Issue comments",
  lfs_object: "LFS objects",
};

/** What the Import tab calls a kind of object in its tables ("Pull request comments"). */
export function objectTypeName(type: string): string {
  return OBJECT_TYPE_NAMES[type] ?? humanize(type);
}
