import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { SANDBOX_ACCOUNTS } from "../mocks/bitbucket/seed.ts";
import { hashPassword } from "../lib/users/passwords.ts";
import { E2E } from "./environment";
import { LOCAL_PASSWORD as PASSWORD, createLocalUser, query, sandbox, signInWithBitbucket, signInWithPassword, waitForHydration } from "./support";

test.beforeEach(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
});

// Specs share one Ferry: leave no link this spec made (it links bob and carol, never alice).
test.afterAll(async () => {
  await unlink("bob");
  await unlink("carol");
});

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

/** No Ferry user has the sandbox account linked (earlier tests may have linked it). */
async function unlink(nickname: keyof typeof SANDBOX_ACCOUNTS) {
  await query("DELETE FROM accounts WHERE provider_account_id = $1 OR provider_account_id LIKE $2", [SANDBOX_ACCOUNTS[nickname].uuid, `%:${SANDBOX_ACCOUNTS[nickname].uuid}`]);
}

/** On the account page: Connect (or Reconnect) and grant access as the given sandbox account. */
async function authorizeOnBitbucket(page: Page, button: string, account: string) {
  await waitForHydration(page);
  await page.getByRole("button", { name: button, exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Authorize Ferry" })).toBeVisible();
  await page.getByLabel(new RegExp(account)).check();
  await page.getByRole("button", { name: "Grant access" }).click();
  await expect(page).toHaveURL(/\/profile\/account/);
  await waitForHydration(page);
}

async function newLocalUserPage(browser: Browser, prefix: string): Promise<{ page: Page; username: string }> {
  const username = unique(prefix);
  await createLocalUser(username);
  const page = await (await browser.newContext()).newPage();
  await signInWithPassword(page, username);
  return { page, username };
}

test("a local user connects Bitbucket and sees the identity", async ({ browser }) => {
  await unlink("bob");
  const { page, username } = await newLocalUserPage(browser, "local");
  await page.goto("/profile/account");
  await expect(page.getByTestId("no-identities")).toBeVisible();

  await authorizeOnBitbucket(page, "Connect Bitbucket", "Bob Brown");
  await expect(page.getByTestId("account-message")).toContainText("Bitbucket is connected");
  const identity = page.getByTestId("identity");
  await expect(identity).toHaveCount(1);
  await expect(identity.getByTestId("identity-nickname")).toHaveText("@bob");
  await expect(identity.getByTestId("identity-display-name")).toHaveText("Bob Brown");
  await expect(identity.getByTestId("identity-uuid")).toHaveText(SANDBOX_ACCOUNTS.bob.uuid);
  await expect(identity).toContainText("Matches Bitbucket.");

  const [row] = await query<{ username: string; access_token: string }>(
    "SELECT u.username, a.access_token FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.provider = 'bitbucket' AND a.provider_account_id = $1",
    [SANDBOX_ACCOUNTS.bob.uuid],
  );
  expect(row!.username).toBe(username);
  expect(row!.access_token).toMatch(/^enc:v1:/);
});

test("reconnecting after a rename on Bitbucket updates the nickname; another account is only switched to when confirmed", async ({ browser }) => {
  await unlink("bob");
  await unlink("carol");
  const { page } = await newLocalUserPage(browser, "renamer");
  await page.goto("/profile/account");
  await authorizeOnBitbucket(page, "Connect Bitbucket", "Bob Brown");
  await expect(page.getByTestId("identity-nickname")).toHaveText("@bob");

  await sandbox("/_sandbox/accounts/bob/rename", { method: "POST", body: { nickname: "robert", display_name: "Robert Brown" } });
  await page.goto("/profile/account");
  await expect(page.getByTestId("identity-renamed")).toContainText("@robert");
  await expect(page.getByTestId("identity-nickname")).toHaveText("@bob");

  await authorizeOnBitbucket(page, "Reconnect", "Robert Brown");
  await expect(page.getByTestId("account-message")).toContainText("reconnected");
  await expect(page.getByTestId("identity-nickname")).toHaveText("@robert");
  await expect(page.getByTestId("identity-display-name")).toHaveText("Robert Brown");
  await expect(page.getByTestId("identity-renamed")).toHaveCount(0);
  const [stored] = await query<{ nickname: string }>("SELECT nickname FROM accounts WHERE provider = 'bitbucket' AND provider_account_id = $1", [SANDBOX_ACCOUNTS.bob.uuid]);
  expect(stored!.nickname).toBe("robert");

  // Reconnect answered by another Bitbucket account: Ferry asks, and keeping changes nothing.
  await authorizeOnBitbucket(page, "Reconnect", "Carol Chen");
  const decision = page.getByTestId("switch-decision");
  await expect(decision).toContainText("Bitbucket answered as @carol");
  await decision.getByRole("button", { name: "Keep @robert" }).click();
  await expect(page.getByTestId("account-message")).toContainText("kept");
  await expect(page.getByTestId("identity-nickname")).toHaveText("@robert");
  expect(await query("SELECT 1 FROM accounts WHERE provider_account_id LIKE $1", [`%${SANDBOX_ACCOUNTS.carol.uuid}`])).toHaveLength(0);
});

test("linking a Bitbucket account that another Ferry user linked is refused", async ({ browser }) => {
  await unlink("bob");
  const first = await newLocalUserPage(browser, "first");
  await first.page.goto("/profile/account");
  await authorizeOnBitbucket(first.page, "Connect Bitbucket", "Bob Brown");
  await expect(first.page.getByTestId("identity-nickname")).toHaveText("@bob");

  const second = await newLocalUserPage(browser, "second");
  await second.page.goto("/profile/account");
  await authorizeOnBitbucket(second.page, "Connect Bitbucket", "Bob Brown");
  const message = second.page.getByTestId("account-message");
  await expect(message).toHaveAttribute("role", "alert");
  await expect(message).toContainText("@bob is already linked to another Ferry user");
  await expect(second.page.getByTestId("no-identities")).toBeVisible();

  const owners = await query<{ username: string }>(
    "SELECT u.username FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.provider = 'bitbucket' AND a.provider_account_id = $1",
    [SANDBOX_ACCOUNTS.bob.uuid],
  );
  expect(owners.map((owner) => owner.username)).toEqual([first.username]);
});

test("disconnecting the only way to sign in is refused; with a password it works", async ({ page }) => {
  await unlink("carol");
  await signInWithBitbucket(page, { startPath: "/profile/account", account: "Carol Chen" });
  await expect(page).toHaveURL(/\/profile\/account/);
  await expect(page.getByTestId("identity-nickname")).toHaveText("@carol");
  const [{ user_id: carolUserId }] = (await query<{ user_id: string }>("SELECT user_id FROM accounts WHERE provider_account_id = $1", [SANDBOX_ACCOUNTS.carol.uuid])) as [
    { user_id: string },
  ];

  const confirmations: string[] = [];
  page.on("dialog", (dialog) => {
    confirmations.push(dialog.message());
    void dialog.accept();
  });
  await waitForHydration(page);
  await page.getByRole("button", { name: "Disconnect Bitbucket @carol" }).click();
  await expect(page.getByTestId("disconnect-error")).toContainText("only way to sign in");
  // Known before asking: no confirmation first.
  expect(confirmations).toEqual([]);
  await page.reload();
  await expect(page.getByTestId("identity-nickname")).toHaveText("@carol");

  await waitForHydration(page);
  await page.getByLabel("New password", { exact: true }).fill("carol's new password");
  await page.getByLabel("Confirm new password").fill("carol's new password");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Password set.")).toBeVisible();
  await page.getByRole("button", { name: "Disconnect Bitbucket @carol" }).click();
  await expect(page.getByTestId("no-identities")).toBeVisible();
  expect(confirmations).toHaveLength(1);

  // This sign-in made a Ferry user with carol's email; other specs may sign in as carol afresh.
  await query("DELETE FROM users WHERE id = $1", [carolUserId]);
});

test("a placeholder cannot sign in, even with a password set on it", async ({ page }) => {
  const username = unique("placeholder");
  await query("INSERT INTO users (id, kind, username, name, password_hash, updated_at) VALUES ($1, 'placeholder', $2, 'Ghost', $3, now())", [
    `e2e-${username}`,
    username,
    await hashPassword(PASSWORD),
  ]);
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect username or password" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
  expect(await query("SELECT 1 FROM sessions WHERE user_id = $1", [`e2e-${username}`])).toHaveLength(0);
});

test("only Owners reassign placeholders: a crafted server-action call by a Maintainer is refused; the target accepts in the inbox", async ({ browser }) => {
  const owner = await newLocalUserPage(browser, "owner");
  const maintainer = await newLocalUserPage(browser, "maintainer");
  const target = unique("target");
  await createLocalUser(target);
  const group = unique("group");
  const [{ id: groupId }] = (await query<{ id: number }>(
    "INSERT INTO namespaces (kind, name, path, full_path, updated_at) VALUES ('group', $1, $1, $1, now()) RETURNING id",
    [group],
  )) as [{ id: number }];
  await query(
    `INSERT INTO memberships (user_id, namespace_id, role)
     SELECT id, $1, CASE WHEN username = $2 THEN 'owner'::"Role" ELSE 'maintainer'::"Role" END FROM users WHERE username IN ($2, $3)`,
    [groupId, owner.username, maintainer.username],
  );
  const placeholderId = `e2e-${group}-dave`;
  await query(
    `INSERT INTO users (id, kind, username, name, placeholder_namespace_id, placeholder_source_key, placeholder_source, updated_at)
     VALUES ($1, 'placeholder', $2, 'Dave Source', $3, 'bitbucket:{dave}', '{"provider":"bitbucket","uuid":"{dave}","username":"dave","displayName":"Dave Source"}', now())`,
    [placeholderId, `dave-placeholder-${group}`, groupId],
  );
  await query("INSERT INTO placeholder_reassignments (placeholder_id, namespace_id, updated_at) VALUES ($1, $2, now())", [placeholderId, groupId]);
  const status = async () => (await query<{ status: string; target_user_id: string | null }>("SELECT status, target_user_id FROM placeholder_reassignments WHERE placeholder_id = $1", [placeholderId]))[0]!;

  // The Maintainer does not even see the page.
  const forbidden = await maintainer.page.goto(`/groups/${group}/-/placeholders`);
  expect(forbidden?.status()).toBe(404);

  // The Owner's Reassign request, captured before it reaches Ferry.
  const placeholdersUrl = `${E2E.appUrl}/groups/${group}/-/placeholders`;
  await owner.page.goto(placeholdersUrl);
  await waitForHydration(owner.page);
  const row = owner.page.getByTestId("placeholder-row").filter({ hasText: "Dave Source" });
  await expect(row.getByTestId("placeholder-status")).toHaveText("Not reassigned");
  let captured: { headers: Record<string, string>; body: string } | undefined;
  await owner.page.route(placeholdersUrl, async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"]) {
      captured = { headers: request.headers(), body: request.postData() ?? "" };
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await row.getByPlaceholder("Ferry username").fill(target);
  await row.getByRole("button", { name: "Reassign" }).click();
  await expect.poll(() => captured).toBeDefined();
  await owner.page.unroute(placeholdersUrl);
  expect((await status()).status).toBe("pending");

  // The same call, sent with the Maintainer's session, is refused and changes nothing.
  const replay = (page: Page) =>
    page.evaluate(
      async ({ url, headers, body }) => {
        const response = await fetch(url, {
          method: "POST",
          headers: { "next-action": headers["next-action"]!, "next-router-state-tree": headers["next-router-state-tree"] ?? "", "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8", accept: "text/x-component" },
          body,
        });
        return response.text();
      },
      { url: placeholdersUrl, headers: captured!.headers, body: captured!.body },
    );
  await maintainer.page.goto("/profile/account");
  const refused = await replay(maintainer.page);
  expect(refused).toContain("not_found");
  expect(await status()).toEqual({ status: "pending", target_user_id: null });

  // The same call from the Owner works: the request is well formed.
  const accepted = await replay(owner.page);
  expect(accepted).toContain('"ok":true');
  expect((await status()).status).toBe("awaiting_approval");

  // The target sees it in the inbox (with the header indicator) and accepts.
  const targetPage = await (await browser.newContext()).newPage();
  await signInWithPassword(targetPage, target);
  await expect(targetPage.getByTestId("inbox-count")).toHaveText("1");
  await targetPage.getByTestId("inbox-link").click();
  const request = targetPage.getByTestId("reassignment-request");
  await expect(request).toContainText("Dave Source (@dave)");
  await waitForHydration(targetPage);
  await request.getByRole("button", { name: "Accept contributions of Dave Source (@dave)" }).click();
  await expect(targetPage.getByTestId("inbox-message")).toContainText("Accepted: the contributions of Dave Source (@dave)");
  await expect(targetPage.getByTestId("inbox-count")).toHaveCount(0);
  expect((await status()).status).toBe("reassigned");
  await owner.page.reload();
  await expect(owner.page.getByTestId("placeholder-row").filter({ hasText: "Dave Source" }).getByTestId("placeholder-status")).toHaveText("Reassigned");
});

test("administrators create users and can turn Bitbucket sign-in off while connecting for imports keeps working", async ({ browser }) => {
  const admin = unique("admin");
  await createLocalUser(admin, { admin: true });
  const page = await (await browser.newContext()).newPage();
  await signInWithPassword(page, admin);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/users/);
  await waitForHydration(page);

  const created = unique("created");
  await page.getByLabel("Username").fill(created);
  await page.getByLabel("Email").fill(`${created}@example.com`);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText(`Created @${created}`)).toBeVisible();
  await expect(page.locator(`[data-testid=admin-user-row][data-username="${created}"]`)).toContainText("password");

  // A user who is not an administrator finds no admin pages.
  const other = await (await browser.newContext()).newPage();
  await signInWithPassword(other, created);
  await expect(other.getByRole("link", { name: "Admin" })).toHaveCount(0);
  expect((await other.goto("/admin/settings"))?.status()).toBe(404);

  await page.getByRole("link", { name: "Settings" }).click();
  await waitForHydration(page);
  await page.getByLabel("Allow signing in with Bitbucket").uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  try {
    const signedOut = await (await browser.newContext()).newPage();
    await signedOut.goto("/sign-in");
    await expect(signedOut.getByLabel("Username or email")).toBeVisible();
    await expect(signedOut.getByRole("button", { name: "Sign in with Bitbucket" })).toHaveCount(0);
    // The provider refuses too, not just the page.
    const refused = await signedOut.request.get("/api/auth/signin/bitbucket", { maxRedirects: 0 });
    expect(refused.headers().location).toContain("/sign-in?error=BitbucketSignInDisabled");

    // Connecting Bitbucket for imports still works for a signed-in user.
    await unlink("bob");
    await other.goto("/profile/account");
    await authorizeOnBitbucket(other, "Connect Bitbucket", "Bob Brown");
    await expect(other.getByTestId("identity-nickname")).toHaveText("@bob");
  } finally {
    await query(`UPDATE app_settings SET value = jsonb_set(value::jsonb, '{bitbucketSignInEnabled}', 'true') WHERE key = 'instance'`);
  }
  await page.reload();
  await expect(page.getByLabel("Allow signing in with Bitbucket")).toBeChecked();
});
