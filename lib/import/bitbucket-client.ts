import { bitbucketCredentialForUser } from "@/lib/auth";
import { createBitbucketClient, INTERACTIVE_RETRY, type BitbucketClient } from "@/lib/bitbucket";
import { config } from "@/lib/config";

/** A Bitbucket client acting as the given Ferry user, for interactive pages. */
export async function bitbucketClientForUser(userId: string): Promise<BitbucketClient> {
  return createBitbucketClient({
    apiUrl: config().BITBUCKET_API_URL,
    credential: await bitbucketCredentialForUser(userId),
    retry: INTERACTIVE_RETRY,
  });
}
