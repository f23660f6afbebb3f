/**
 * Both sandboxes side by side: Bitbucket Cloud on SANDBOX_PORT (4010) and GitHub on
 * GITHUB_SANDBOX_PORT (4020), each with its own environment variables (see their README.md).
 *
 *   npm run sandbox
 */
import { isMainModule, runFromCommandLine } from "./common/http-server";
import { startGithubServer } from "./github/server";
import { startSandboxServer } from "./bitbucket/server";

async function startBoth() {
  const bitbucket = await startSandboxServer();
  const github = await startGithubServer().catch(async (error: unknown) => {
    await bitbucket.close();
    throw error;
  });
  return { bitbucket, github, close: async () => void (await Promise.all([bitbucket.close(), github.close()])) };
}

if (isMainModule(import.meta.url)) {
  runFromCommandLine("sandboxes", startBoth, ({ bitbucket, github }) =>
    [
      `Bitbucket sandbox: ${bitbucket.url}   (accounts and knobs: mocks/bitbucket/README.md; alone: npm run sandbox:bitbucket)`,
      `GitHub sandbox:    ${github.url}   (API also at ${github.url}/api/v3; accounts and knobs: mocks/github/README.md; alone: npm run sandbox:github)`,
    ].join("\n"),
  );
}
