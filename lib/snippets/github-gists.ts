import { z } from "zod";
import { allowedGitHosts, type RemoteCheckOptions } from "@/lib/git";
import { createGitHubClient, githubWebUrl } from "@/lib/github";

/**
 * The GitHub side of a gists import: who the token belongs to and the account's gists, through
 * lib/github's client (rate limits, retries, error mapping), and where a gist's git history may
 * be fetched from.
 */

const gistSchema = z.object({
  id: z.string().regex(/^[0-9a-zA-Z]{1,64}$/),
  description: z.string().nullable(),
  public: z.boolean(),
  git_pull_url: z.string().url(),
  html_url: z.string().url(),
  created_at: z.string(),
  files: z.record(z.string(), z.unknown()),
});

export type GithubGist = {
  id: string;
  description: string | null;
  public: boolean;
  gitPullUrl: string;
  htmlUrl: string;
  /** The gist's file names, in GitHub's order. */
  fileNames: string[];
  createdAt: Date;
};

export type GithubGistsAccount = {
  login: string;
  /** Every gist of the account, secret ones included, page by page (100 a page). */
  gists(): AsyncIterable<GithubGist>;
};

/** Opens the token's account: refused tokens fail here with lib/github's `github_unauthorized` ("Access denied to your GitHub account."). */
export async function openGithubGists(token: string): Promise<GithubGistsAccount> {
  const client = createGitHubClient({ token, maxRateLimitWaitMs: 60_000 });
  const user = z.object({ login: z.string() }).parse(await client.get<unknown>("/user"));
  return {
    login: user.login,
    async *gists() {
      let page = await client.page<unknown>("/gists", { per_page: 100 });
      for (;;) {
        for (const raw of page.items) {
          const gist = gistSchema.parse(raw);
          yield {
            id: gist.id,
            description: gist.description,
            public: gist.public,
            gitPullUrl: gist.git_pull_url,
            htmlUrl: gist.html_url,
            fileNames: Object.keys(gist.files),
            createdAt: new Date(gist.created_at),
          };
        }
        if (!page.next) return;
        page = await client.page<unknown>(page.next);
      }
    },
  };
}

/**
 * Hosts a gist's git URL may point to: the configured git hosts (GitHub's web host among them,
 * where GitHub Enterprise Server and the sandbox serve gists) and, for github.com, gist.github.com.
 */
export function gistRemoteCheck(): RemoteCheckOptions {
  const webHost = new URL(githubWebUrl()).host.toLowerCase();
  return { allowedHosts: [...allowedGitHosts(), ...(webHost === "github.com" ? ["gist.github.com"] : [])] };
}
