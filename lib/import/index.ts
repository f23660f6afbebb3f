export { bitbucketClientForUser } from "./bitbucket-client";
export {
  listImportableRepositories,
  bitbucketProblem,
  type ImportableRepository,
  type RepositoryListingPage,
  type WorkspaceProblem,
} from "./repository-listing";
