import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/environment";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: E2E.appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The production build comes from `npm run test:e2e`; the server starts from an empty data directory.
    command: "npx tsx scripts/demo.ts --no-build --fresh",
    url: `${E2E.appUrl}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: E2E.dataDir,
      PORT: String(E2E.appPort),
      SANDBOX_PORT: String(E2E.sandboxPort),
      NEXTAUTH_URL: E2E.appUrl,
      // Keep in sync counts its interval in these (a second and a half) so e2e/sync.spec.ts sees a scheduled sync.
      SYNC_MINUTE_MS: "1500",
    },
  },
});
