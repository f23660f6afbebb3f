/**
 * Ferry's Bitbucket Cloud client: the public surface. Everything else in
 * lib/bitbucket is internal.
 *
 *   const bitbucket = createBitbucketClient({ apiUrl, credential, retry: BACKGROUND_RETRY, onEvent });
 *   const page = await bitbucket.listRepositoriesPage("acme", { nameFilter: "api" });
 */
export {
  API_TOKEN_GIT_USERNAME,
  LISTING_QUERIES,
  OAUTH_GIT_USERNAME,
  PULL_REQUEST_MAX_PAGELEN,
  apiTokenCredential,
  createBitbucketClient,
  gitCredentialsFor,
  type BitbucketClient,
  type BitbucketClientEvent,
  type BitbucketClientOptions,
  type BitbucketCredential,
  type CallOptions,
  type CursorOptions,
  type GetOptions,
  type GitCredentials,
  type ListPullRequestsOptions,
  type ListRepositoriesOptions,
  type PaginateOptions,
  type RepositoryPage,
  type RepositoryRole,
} from "./client";

export {
  BitbucketAuthError,
  BitbucketError,
  BitbucketForbiddenError,
  BitbucketGoneError,
  BitbucketNetworkError,
  BitbucketNotFoundError,
  BitbucketOAuthError,
  BitbucketRateLimitError,
  BitbucketResponseError,
  BitbucketServerError,
  isNoIssueTrackerError,
  isReconnectRequired,
  isRetryableError,
  type BitbucketErrorCode,
  type ResponseIssue,
} from "./errors";

export {
  authorizationUrl,
  exchangeAuthorizationCode,
  normaliseWebUrl,
  refreshAccessToken,
  type OAuthClientOptions,
  type OAuthTokens,
} from "./oauth";

export { BACKGROUND_RETRY, INTERACTIVE_RETRY, withRetry, type RetryEvent, type RetryOptions } from "./retry";

// The transport, shared with the Bitbucket Server client (lib/bitbucket-server): one exchange with a timeout and a size cap, and errors by status.
export { send, basicAuthorization, DEFAULT_TIMEOUT_MS, type FetchLike } from "./http";
export { errorFromResponse } from "./errors";

export { bbqlString, nameFilterQuery, type QueryParams, type QueryValue } from "./query";

// The zod schemas stay inside: callers get parsed models from the client.
export {
  PULL_REQUEST_STATES,
  type BitbucketRepository,
  type BitbucketUser,
  type Comment,
  type CommentInline,
  type CurrentUser,
  type Issue,
  type IssueChange,
  type IssueFieldChange,
  type Milestone,
  type Page,
  type PullRequest,
  type PullRequestEndpoint,
  type PullRequestActivity,
  type PullRequestParticipant,
  type PullRequestState,
  type Repository,
  type UserEmail,
  type WorkspaceAccess,
} from "./models";
