import { bitbucketCredentialForUser } from "@/lib/auth";
import { createBitbucketClient, INTERACTIVE_RETRY, type BitbucketClient } from "@/lib/bitbucket";
import { config } from "@/lib/config";

const INTERACTIVE_TIMEOUT_MS = 8_000;

/** A Bitbucket client acting as the given Ferry user, for interactive pages. */
export async function bitbucketClientForUser(userId: string): Promise<BitbucketClient> {
  return createBitbucketClient({
    apiUrl: config().BITBUCKET_API_URL,
    credential: await bitbucketCredentialForUser(userId),
    retry: INTERACTIVE_RETRY,
    // Someone waits for the answer: a Bitbucket that hangs is reported after seconds, not minutes.
    timeoutMs: INTERACTIVE_TIMEOUT_MS,
  });
}
