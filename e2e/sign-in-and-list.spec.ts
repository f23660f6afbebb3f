import { expect, test } from "@playwright/test";
import { decryptSecret } from "../lib/crypto/index.ts";
import { SANDBOX_WORKSPACES, generateRepositories } from "../mocks/bitbucket/seed.ts";
import { E2E } from "./environment";
import { encryptionKey, loadAllRepositories, query, repositoryRow, sandbox, sandboxRequests, signInWithBitbucket } from "./support";

const aliceWorkspaces = SANDBOX_WORKSPACES.filter((workspace) => workspace.members.some((member) => member.nickname === "alice"));
const expectedFullNames = aliceWorkspaces.flatMap((workspace) => generateRepositories(workspace).map((repository) => repository.full_name)).sort();

test.beforeEach(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
});

test("sign in with Bitbucket and see every repository of all workspaces", async ({ page }) => {
  expect(aliceWorkspaces).toHaveLength(4);
  expect(expectedFullNames.filter((name) => name.startsWith("acme/")).length).toBeGreaterThan(100);

  await signInWithBitbucket(page);
  await expect(page).toHaveURL(/\/import\/bitbucket/);
  await expect(page.getByTestId("signed-in-user")).toContainText("Alice Anders");

  const shown = await loadAllRepositories(page);
  expect([...shown].sort()).toEqual(expectedFullNames);
  await expect(page.getByTestId("listing-summary")).toContainText(`${expectedFullNames.length} repositories from 4 workspaces`);
  const row = await repositoryRow(page, "acme/rocket-launcher");
  const link = row.getByRole("link", { name: "acme/rocket-launcher", exact: true });
  await expect(link).toHaveAttribute("href", `${E2E.sandboxUrl}/acme/rocket-launcher`);

  // No plaintext token in the database: the stored values are Ferry's ciphertext of tokens the sandbox accepts.
  const [account] = await query<{ access_token: string; refresh_token: string; nickname: string; provider_account_id: string }>(
    "SELECT access_token, refresh_token, nickname, provider_account_id FROM accounts WHERE provider = 'bitbucket'",
  );
  expect(account!.nickname).toBe("alice");
  expect(account!.access_token).toMatch(/^enc:v1:/);
  expect(account!.refresh_token).toMatch(/^enc:v1:/);
  const accessToken = decryptSecret(account!.access_token, encryptionKey());
  expect(account!.access_token).not.toContain(accessToken);
  const me = await fetch(`${E2E.sandboxUrl}/2.0/user`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(me.status).toBe(200);
  const rawRows = await query<{ row: string }>("SELECT row_to_json(a)::text AS row FROM accounts a");
  for (const { row } of rawRows) expect(row).not.toContain(accessToken);
});

test("the sign-in page and the header show Ferry's mark, the favicon is served, and avatars are initials", async ({ page, request }) => {
  const offSite: string[] = [];
  page.on("request", (sent) => {
    if (sent.resourceType() === "image" && new URL(sent.url()).origin !== E2E.appUrl) offSite.push(sent.url());
  });
  const markLoaded = (mark: ReturnType<typeof page.getByTestId>) => mark.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0);

  await page.goto("/sign-in");
  const signInMark = page.getByRole("main").getByTestId("ferry-mark");
  await expect(signInMark).toBeVisible();
  expect(await markLoaded(signInMark)).toBe(true);
  await expect(page.locator('head link[rel="icon"][href="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('head link[rel="icon"][href="/ferry-mark.svg"]')).toHaveCount(1);
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect([...(await favicon.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);

  await signInWithBitbucket(page);
  const headerMark = page.getByRole("banner").getByTestId("ferry-mark");
  expect(await markLoaded(headerMark)).toBe(true);
  // An avatar on another host (here one that never answers) is never loaded: the page shows initials.
  // Set it explicitly: whether sign-in stored Bitbucket's avatar depends on how an earlier spec created alice.
  await query("UPDATE users SET image = 'https://avatars.unreachable.invalid/alice.png' WHERE username = 'alice'");
  await page.reload();
  const signedIn = page.getByTestId("signed-in-user");
  await expect(signedIn.getByTestId("avatar")).toHaveText("AA");
  await expect(signedIn.locator("img")).toHaveCount(0);
  expect(offSite).toEqual([]);
});

test("filtering narrows the list, is sent to Bitbucket as q, and survives a double quote", async ({ page }) => {
  await signInWithBitbucket(page);
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  await sandbox("/_sandbox/requests", { method: "DELETE" });

  await page.getByLabel("Filter by name").fill("rocket");
  await expect(page).toHaveURL(/filter=rocket/);
  const rocketNames = expectedFullNames.filter((name) => name.toLowerCase().includes("rocket"));
  await expect(page.getByTestId("repository-row")).toHaveCount(rocketNames.length);
  const queries = (await sandboxRequests()).filter((request) => /^\/2\.0\/repositories\/[^/]+$/.test(request.path)).map((request) => request.query.q);
  expect(queries).toContain('(name ~ "rocket" OR slug ~ "rocket")');

  await page.getByLabel("Filter by name").fill('"classic"');
  await expect(page.getByTestId("repository-row")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "acme/legacy-classic-site" })).toBeVisible();
  const quoted = (await sandboxRequests()).map((request) => request.query.q);
  expect(quoted).toContain('(name ~ "\\"classic\\"" OR slug ~ "\\"classic\\"")');

  await page.reload();
  await expect(page.getByLabel("Filter by name")).toHaveValue('"classic"');
  await expect(page.getByTestId("repository-row")).toHaveCount(1);

  await page.getByLabel("Filter by name").fill("no-such-repository-anywhere");
  await expect(page.getByText(/No repositories match/)).toBeVisible();
});

test("sign-out ends the session", async ({ page }) => {
  await signInWithBitbucket(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/import/bitbucket");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("button", { name: "Sign in with Bitbucket" })).toBeVisible();
});

test("an expired access token is refreshed transparently", async ({ page }) => {
  await sandbox("/_sandbox/config", { method: "PUT", body: { tokenLifetimeSeconds: 5 } });
  await signInWithBitbucket(page);
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  const [before] = await query<{ access_token: string }>("SELECT access_token FROM accounts WHERE provider = 'bitbucket'");

  await page.waitForTimeout(6_000);
  await sandbox("/_sandbox/requests", { method: "DELETE" });
  await page.reload();
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  await expect(page.getByTestId("listing-error")).toHaveCount(0);

  const [after] = await query<{ access_token: string }>("SELECT access_token FROM accounts WHERE provider = 'bitbucket'");
  expect(decryptSecret(after!.access_token, encryptionKey())).not.toBe(decryptSecret(before!.access_token, encryptionKey()));
  const unauthorized = (await sandboxRequests()).filter((request) => request.status === 401);
  expect(unauthorized).toHaveLength(0);
});

test("a revoked token leads to the reconnect message, and reconnecting restores the listing", async ({ page }) => {
  await signInWithBitbucket(page);
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  await sandbox("/_sandbox/tokens/revoke", { method: "POST", body: { nickname: "alice" } });

  await page.reload();
  const alert = page.getByTestId("listing-error");
  await expect(alert).toContainText("Reconnect Bitbucket");
  await alert.getByRole("button", { name: "Reconnect Bitbucket" }).click();
  await expect(page.getByRole("heading", { name: "Authorize Ferry" })).toBeVisible();
  await page.getByRole("button", { name: "Grant access" }).click();
  await expect(page).toHaveURL(/\/import\/bitbucket/);
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
});
