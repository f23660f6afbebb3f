export const STAGES = [
  "repository",
  "users",
  "pull_requests",
  "pull_request_notes",
  "issues",
  "issue_notes",
  "lfs_objects",
  "finish",
] as const;

export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  repository: "repository",
  users: "users",
  pull_requests: "pull requests",
  pull_request_notes: "pull request comments",
  issues: "issues",
  issue_notes: "issue comments",
  lfs_objects: "LFS objects",
  finish: "finishing",
};

export function nextStage(stage: Stage): Stage | null {
  const index = STAGES.indexOf(stage);
  return STAGES[index + 1] ?? null;
}

export function isStage(value: string | null | undefined): value is Stage {
  return STAGES.includes(value as Stage);
}

/** The first unit each stage starts with; later units are created by the work itself. */
export const INITIAL_UNIT: Record<Stage, string | null> = {
  repository: "repository",
  users: "members",
  pull_requests: "page:1",
  pull_request_notes: null,
  issues: "page:1",
  issue_notes: null,
  lfs_objects: "lfs",
  finish: "finish",
};
