/**
 * The sandboxes side by side: Bitbucket Cloud on SANDBOX_PORT (4010), GitHub on
 * GITHUB_SANDBOX_PORT (4020) and Bitbucket Server on BITBUCKET_SERVER_SANDBOX_PORT (4030), each
 * with its own environment variables (see their README.md).
 *
 *   npm run sandbox
 */
import { isMainModule, runFromCommandLine } from "./common/http-server";
import { startGithubServer } from "./github/server";
import { startSandboxServer } from "./bitbucket/server";
import { startBitbucketServerSandbox } from "./bitbucket-server/server";

async function startBoth() {
  const bitbucket = await startSandboxServer();
  const github = await startGithubServer().catch(async (error: unknown) => {
    await bitbucket.close();
    throw error;
  });
  const bitbucketServer = await startBitbucketServerSandbox().catch(async (error: unknown) => {
    await Promise.all([bitbucket.close(), github.close()]);
    throw error;
  });
  return { bitbucket, github, bitbucketServer, close: async () => void (await Promise.all([bitbucket.close(), github.close(), bitbucketServer.close()])) };
}

if (isMainModule(import.meta.url)) {
  runFromCommandLine("sandboxes", startBoth, ({ bitbucket, github, bitbucketServer }) =>
    [
      `Bitbucket sandbox: ${bitbucket.url}   (accounts and knobs: mocks/bitbucket/README.md; alone: npm run sandbox:bitbucket)`,
      `GitHub sandbox:    ${github.url}   (API also at ${github.url}/api/v3; accounts and knobs: mocks/github/README.md; alone: npm run sandbox:github)`,
      `Bitbucket Server sandbox: ${bitbucketServer.url}   (users and knobs: mocks/bitbucket-server/README.md; alone: npm run sandbox:bitbucket-server)`,
    ].join("\n"),
  );
}
