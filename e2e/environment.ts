import path from "node:path";

const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 4110);
// scripts/demo.ts starts the GitHub sandbox ten ports above the Bitbucket one.
const githubSandboxPort = sandboxPort + 10;

/** Where the end-to-end run's Ferry and its Bitbucket and GitHub sandboxes live (started by playwright.config.ts). */
export const E2E = {
  appPort,
  sandboxPort,
  appUrl: `http://localhost:${appPort}`,
  sandboxUrl: `http://localhost:${sandboxPort}`,
  githubSandboxPort,
  githubSandboxUrl: `http://localhost:${githubSandboxPort}`,
  /** The Bitbucket Server sandbox the demo starts beside the others (SANDBOX_PORT + 20). */
  bitbucketServerUrl: `http://localhost:${sandboxPort + 20}`,
  dataDir: path.resolve(import.meta.dirname, "..", "data", "e2e"),
};
