import { importGitHubMetadata } from "../github/metadata";
import { defineStage } from "./types";

/** Labels, milestones (GitHub's numbers as iids), releases, protected branches and collaborators. */
export const githubMetadataStage = defineStage({
  name: "github_metadata",
  label: "labels, milestones, releases and branch protection",
  objectTypes: ["label", "milestone", "release", "protected_branch", "collaborator"],
  firstUnit: "metadata",
  singleUnit: true,
  async run(ctx) {
    await importGitHubMetadata(ctx);
    return [];
  },
});
