/**
 * Ferry's Bitbucket Cloud client: the public surface. Everything else in
 * lib/bitbucket is internal.
 *
 *   const bitbucket = createBitbucketClient({ apiUrl, credential, retry: BACKGROUND_RETRY, onEvent });
 *   const page = await bitbucket.listRepositoriesPage("acme", { nameFilter: "api" });
 */
export {
  createBitbucketClient,
  type BitbucketClient,
  type BitbucketClientEvent,
  type BitbucketClientOptions,
  type BitbucketCredential,
  type CallOptions,
  type GetOptions,
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
  isReconnectRequired,
  isRetryableError,
  type BitbucketErrorCode,
  type ResponseIssue,
} from "./errors";

export {
  authorizationUrl,
  exchangeAuthorizationCode,
  refreshAccessToken,
  type OAuthClientOptions,
  type OAuthTokens,
} from "./oauth";

export { BACKGROUND_RETRY, INTERACTIVE_RETRY, type RetryEvent, type RetryOptions } from "./retry";

export { bbqlString, nameFilterQuery, type QueryParams, type QueryValue } from "./query";

export {
  currentUserSchema,
  pageSchema,
  repositorySchema,
  userEmailSchema,
  userSchema,
  workspaceAccessSchema,
  workspaceMembershipSchema,
  type BitbucketRepository,
  type BitbucketUser,
  type CurrentUser,
  type Page,
  type Repository,
  type UserEmail,
  type WorkspaceAccess,
} from "./models";
