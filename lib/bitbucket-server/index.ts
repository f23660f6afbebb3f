/**
 * Bitbucket Server / Data Center: the REST client.
 *
 *   const client = createBitbucketServerClient({ serverUrl, credential: { username, token } });
 *   const page = await client.pullRequestsPage("ACME", "showcase", 0, "OLDEST");
 */
export {
  MAX_PAGE_LIMIT,
  createBitbucketServerClient,
  normalizeServerUrl,
  type BitbucketServerClient,
  type BitbucketServerClientOptions,
  type BitbucketServerCredential,
  type ServerActivity,
  type ServerComment,
  type ServerCommentAnchor,
  type ServerPage,
  type ServerPullRequest,
  type ServerRepository,
  type ServerUser,
} from "./client";
