export { bitbucketClientForUser } from "./bitbucket-client";
export {
  listImportableRepositories,
  bitbucketProblem,
  type ImportableRepository,
  type RepositoryListingPage,
  type WorkspaceProblem,
} from "./repository-listing";
export { startGitHubImport, type GitHubOptionalStages, type StartGitHubImportInput } from "./github-start";
export type { StartedImport } from "./start";
