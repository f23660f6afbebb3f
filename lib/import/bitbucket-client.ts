import { bitbucketCredentialForUser } from "@/lib/auth";
import { createBitbucketClient, INTERACTIVE_RETRY, type BitbucketClient } from "@/lib/bitbucket";
import { config } from "@/lib/config";

/** Two attempts of 6 s: a page whose Bitbucket hangs says so within about 13 s. */
const INTERACTIVE_TIMEOUT_MS = 6_000;
const INTERACTIVE_ERROR_ATTEMPTS = 2;

/** A Bitbucket client acting as the given Ferry user, for interactive pages. */
export async function bitbucketClientForUser(userId: string): Promise<BitbucketClient> {
  return createBitbucketClient({
    apiUrl: config().BITBUCKET_API_URL,
    credential: await bitbucketCredentialForUser(userId),
    retry: { ...INTERACTIVE_RETRY, maxErrorAttempts: INTERACTIVE_ERROR_ATTEMPTS },
    // Someone waits for the answer: a Bitbucket that hangs is reported after seconds, not minutes.
    timeoutMs: INTERACTIVE_TIMEOUT_MS,
  });
}
