/**
 * `npm run demo`: the Bitbucket and GitHub sandboxes and Ferry, configured for each other.
 * Builds the app first when the build is missing or older than the sources.
 * Options: --no-build (never build), --fresh (start from an empty DATA_DIR).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { SANDBOX_CONSUMER, startSandboxServer } from "../mocks/bitbucket/index.ts";
import { startGithubServer } from "../mocks/github/index.ts";
import { startBitbucketServerSandbox } from "../mocks/bitbucket-server/index.ts";
import { launchApp, reportStartupError, stopOnExit } from "./serve.ts";

const root = path.resolve(import.meta.dirname, "..");
const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.js", "postcss.config.mjs", "package.json", "tsconfig.json", "prisma/schema.prisma"];

function newestSourceTime(): number {
  let newest = 0;
  const visit = (entry: string) => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      if (entry.endsWith(`${path.sep}generated`)) return;
      for (const child of readdirSync(entry)) visit(path.join(entry, child));
    } else if (!/\.test\.tsx?$/.test(entry)) {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const name of [...SOURCE_DIRS, ...SOURCE_FILES]) {
    const entry = path.join(root, name);
    if (existsSync(entry)) visit(entry);
  }
  return newest;
}

function buildIfNeeded(): void {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceTime()) return;
  console.log("Building Ferry (first run or sources changed)…");
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build failed");
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, "data"));
  if (args.has("--fresh")) rmSync(dataDir, { recursive: true, force: true });
  if (!args.has("--no-build")) buildIfNeeded();

  const sandboxPort = Number(process.env.SANDBOX_PORT ?? 4010);
  const sandbox = await startSandboxServer({ port: sandboxPort, dataDir: path.join(dataDir, "sandbox") });
  const githubPort = Number(process.env.GITHUB_SANDBOX_PORT ?? sandboxPort + 10);
  let github;
  let bitbucketServer;
  try {
    github = await startGithubServer({ port: githubPort, dataDir: path.join(dataDir, "sandbox-github") });
    bitbucketServer = await startBitbucketServerSandbox({
      port: Number(process.env.BITBUCKET_SERVER_SANDBOX_PORT ?? sandboxPort + 20),
      dataDir: path.join(dataDir, "sandbox-bitbucket-server"),
    });
  } catch (error) {
    await Promise.all([sandbox.close(), github?.close()]);
    throw error;
  }
  // Bitbucket Server is reached at the URL a user types in, so its host must be allowed.
  const bitbucketServerHost = new URL(bitbucketServer.url).host;
  const appPort = process.env.PORT ?? "3000";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: appPort,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${appPort}`,
    BITBUCKET_URL: sandbox.url,
    BITBUCKET_API_URL: sandbox.url,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
    GITHUB_CLIENT_ID: github.state.oauthClient.id,
    GITHUB_CLIENT_SECRET: github.state.oauthClient.secret,
    // The GitHub sandbox under both names, so `github_hostname` (GitHub Enterprise Server style) reaches it too.
    ALLOWED_HOSTS: [process.env.ALLOWED_HOSTS, new URL(github.url).host, `127.0.0.1:${new URL(github.url).port}`, bitbucketServerHost].filter(Boolean).join(","),
  };
  let app;
  try {
    app = await launchApp({ env });
  } catch (error) {
    await Promise.all([sandbox.close(), github.close(), bitbucketServer.close()]);
    throw error;
  }
  console.log(`
  Ferry demo is ready.
    Ferry:             ${app.url}
    Bitbucket sandbox: ${sandbox.url}  (accounts: alice, bob, carol — see mocks/bitbucket/README.md)
    GitHub sandbox:    ${github.url}  (accounts and tokens: see mocks/github/README.md)
    Bitbucket Server sandbox: ${bitbucketServer.url}  (alice / BBDC-alice-sandbox-token — see mocks/bitbucket-server/README.md)
  Open ${app.url}, choose "Sign in with Bitbucket" and grant access as Alice Anders.
  Press Ctrl+C to stop.
`);
  stopOnExit(app, sandbox, github, bitbucketServer);
}

main().catch(reportStartupError);
