import { finishStage } from "./finish";
import { githubCrossReferencesStage } from "./github-cross-references";
import { githubDiffNotesStage } from "./github-diff-notes";
import { githubEventsStage } from "./github-events";
import { githubIssuesStage } from "./github-issues";
import { githubItemNotesStage } from "./github-item-notes";
import { githubMetadataStage } from "./github-metadata";
import { githubNotesStage } from "./github-notes";
import { githubPullRequestsStage } from "./github-pull-requests";
import { githubReviewCrossReferencesStage } from "./github-review-cross-references";
import { githubRepositoryStage } from "./github-repository";
import { githubReviewsStage } from "./github-reviews";
import { githubSyncCommentsStage, githubSyncReviewCommentsStage } from "./github-sync-comments";
import { githubSyncEventsStage, githubSyncRemovedCommentsStage } from "./github-sync-events";
import { githubSyncItemsStage } from "./github-sync-items";
import { githubSyncMetadataStage } from "./github-sync-metadata";
import { issueNotesStage } from "./issue-notes";
import { issuesStage } from "./issues";
import { lfsObjectsStage } from "./lfs-objects";
import { pullRequestNotesStage } from "./pull-request-notes";
import { pullRequestsStage } from "./pull-requests";
import { repositoryStage } from "./repository";
import { syncActivityStage } from "./sync-activity";
import { syncFinishStage } from "./sync-finish";
import { syncIssuesStage } from "./sync-issues";
import { syncLfsObjectsStage } from "./sync-lfs-objects";
import { syncPullRequestsStage } from "./sync-pull-requests";
import { syncRepositoryStage } from "./sync-repository";
import type { StageDefinition } from "./types";
import { usersStage } from "./users";

export type { FollowUp, StageDefinition, UnitScheduler, WorkUnit } from "./types";

/**
 * The stages each source has, in the order they run. Adding a stage is a file in this folder and
 * its line here; a source without issues leaves their two stages out.
 */
export const SOURCE_STAGES = {
  bitbucket_cloud: [repositoryStage, usersStage, pullRequestsStage, pullRequestNotesStage, issuesStage, issueNotesStage, lfsObjectsStage, finishStage],
  github: [
    githubRepositoryStage,
    githubMetadataStage,
    githubPullRequestsStage,
    githubIssuesStage,
    githubNotesStage,
    githubDiffNotesStage,
    githubItemNotesStage,
    githubEventsStage,
    lfsObjectsStage,
    githubCrossReferencesStage,
    // Per-pull-request requests, run beside the stages above from the first pull request page on.
    githubReviewsStage,
    githubReviewCrossReferencesStage,
    finishStage,
  ],
  // No member listing (it needs an administrator's token) and no issue tracker: the issues stage only says so.
  bitbucket_server: [repositoryStage, pullRequestsStage, pullRequestNotesStage, issuesStage, lfsObjectsStage, finishStage],
} satisfies Record<string, readonly StageDefinition[]>;

/**
 * The stages of a sync with the source, run by the same scheduler on the import's units. The
 * Bitbucket-shaped ones are source-neutral: a source takes part by implementing SyncSource
 * (sources/types.ts). GitHub, whose listings cover issues and pull requests together and whose
 * comments and events have repository-wide listings, has its own between the shared git, LFS
 * and finish stages.
 */
const SYNC_STAGE_LIST = [syncRepositoryStage, syncActivityStage, syncPullRequestsStage, syncIssuesStage, syncLfsObjectsStage, syncFinishStage] as const;
const GITHUB_SYNC_STAGE_LIST = [
  syncRepositoryStage,
  githubSyncMetadataStage,
  githubSyncItemsStage,
  githubSyncCommentsStage,
  githubSyncReviewCommentsStage,
  githubSyncRemovedCommentsStage,
  githubSyncEventsStage,
  syncLfsObjectsStage,
  syncFinishStage,
] as const;

export const SYNC_STAGES = {
  bitbucket_cloud: SYNC_STAGE_LIST,
  bitbucket_server: SYNC_STAGE_LIST,
  github: GITHUB_SYNC_STAGE_LIST,
} satisfies Partial<Record<keyof typeof SOURCE_STAGES, readonly StageDefinition[]>>;

export type ImportSourceName = keyof typeof SOURCE_STAGES;

export function stagesOf(source: string): readonly StageDefinition[] {
  const stages = (SOURCE_STAGES as Record<string, readonly StageDefinition[]>)[source];
  if (!stages) throw new Error(`Unknown import source ${source}`);
  return stages;
}

/** The source's import stages, or its sync stages when `name` is one of those. */
export function listWith(source: string, name: string | null | undefined): readonly StageDefinition[] {
  const syncStages: readonly StageDefinition[] = (SYNC_STAGES as Record<string, readonly StageDefinition[]>)[source] ?? [];
  return syncStages.some((stage) => stage.name === name) ? syncStages : stagesOf(source);
}

/** The stage of this source with this name (an import or a sync stage); undefined for a name it does not have. */
export function stageOf(source: string, name: string | null | undefined): StageDefinition | undefined {
  return listWith(source, name).find((stage) => stage.name === name);
}

export function nextStageOf(source: string, name: string): StageDefinition | null {
  const stages = listWith(source, name);
  const index = stages.findIndex((stage) => stage.name === name);
  return index < 0 ? null : (stages[index + 1] ?? null);
}

const ALL_STAGES = new Map([...Object.values(SOURCE_STAGES).flat(), ...Object.values(SYNC_STAGES).flat()].map((stage) => [stage.name, stage as StageDefinition]));

/** What the pages show for a stage name ("pull requests"); the name itself when no source has it. */
export function stageLabel(name: string): string {
  return ALL_STAGES.get(name)?.label ?? name;
}

/** The object type whose counts show a stage's progress. */
export function stageCountedType(name: string): string | undefined {
  return ALL_STAGES.get(name)?.objectTypes[0];
}
