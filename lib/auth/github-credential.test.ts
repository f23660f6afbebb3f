import { beforeEach, describe, expect, it } from "vitest";
import { GITHUB_ACCOUNTS } from "@/mocks/github";
import { decryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { resetDatabase } from "@/test/db";
import { patchEnv } from "@/test/env";
import { useGithubMockServer } from "@/test/github-msw";
import { githubAccessOf, saveGithubToken } from "./github-credential";
import type { IdentityProfile } from "./identity-providers";
import { checkIdentity, decideSignIn, disconnectIdentity, linkedIdentities } from "./linking";

patchEnv({ NEXTAUTH_URL: "http://ferry.test" });
const { state } = useGithubMockServer();

beforeEach(resetDatabase);

const user = (username: string) => db.user.create({ data: { username, name: username, passwordHash: "x" } });

describe("a GitHub personal access token", () => {
  it("is stored encrypted as the user's GitHub identity, keyed by the numeric user id, and can be removed", async () => {
    const dora = await user("dora");
    expect(await saveGithubToken(dora.id, GITHUB_ACCOUNTS.daniel.token)).toEqual({ login: "daniel" });
    const row = await db.account.findFirstOrThrow({ where: { userId: dora.id } });
    expect(row).toMatchObject({ provider: "github", type: "token", providerAccountId: "1004", nickname: "daniel" });
    expect(row.access_token).toMatch(/^enc:v1:/);
    expect(decryptSecret(row.access_token!)).toBe(GITHUB_ACCOUNTS.daniel.token);
    expect(await githubAccessOf(dora.id)).toEqual({ accountId: row.id, kind: "token", login: "daniel", githubUserId: "1004" });
    expect((await linkedIdentities(dora.id)).map((identity) => [identity.provider, identity.kind, identity.uuid])).toEqual([["github", "token", "1004"]]);

    await disconnectIdentity(dora.id, { identityId: row.id });
    expect(await githubAccessOf(dora.id)).toBeNull();
  });

  it("is refused when GitHub does not accept it, or when its account is another Ferry user's", async () => {
    const dora = await user("dora");
    await expect(saveGithubToken(dora.id, "ghp_not_a_token")).rejects.toMatchObject({ code: "github_token_refused", status: 422 });
    await saveGithubToken(dora.id, GITHUB_ACCOUNTS.bob.token);
    const eve = await user("eve");
    await expect(saveGithubToken(eve.id, GITHUB_ACCOUNTS.bob.token)).rejects.toMatchObject({ code: "identity_linked_elsewhere" });
    expect(await db.account.count({ where: { userId: eve.id } })).toBe(0);
  });

  it("notices a login renamed on GitHub while the identity stays the same user id", async () => {
    const dora = await user("dora");
    await saveGithubToken(dora.id, GITHUB_ACCOUNTS.erin.token);
    const [identity] = await linkedIdentities(dora.id);
    expect(await checkIdentity(identity!)).toMatchObject({ state: "current" });
    state.renameAccount("erin", "erin-renamed");
    expect(await checkIdentity(identity!)).toMatchObject({ state: "renamed", current: { id: "1005", login: "erin-renamed" } });
  });
});

describe("GitHub's answer to the OAuth round-trip", () => {
  const carol: IdentityProfile = { id: "1003", login: "carol", name: "Carol", externalAccountId: null, avatarUrl: null, email: null };
  const account = { provider: "github", providerAccountId: "1003", access_token: "gho_x" };

  it("signs nobody in until an administrator allows GitHub sign-in; connecting works regardless", async () => {
    expect(await decideSignIn({ sessionUserId: null, intent: null }, account, carol)).toBe("http://ferry.test/sign-in?error=GitHubSignInDisabled");
    await updateSettings({ githubSignInEnabled: true });
    expect(await decideSignIn({ sessionUserId: null, intent: null }, account, carol)).toBe(true);
    await updateSettings({ githubSignInEnabled: false });
    const dora = await user("dora");
    expect(await decideSignIn({ sessionUserId: dora.id, intent: { mode: "connect" } }, account, carol)).toBe(true);
  });

  it("refuses to link a GitHub account another Ferry user linked", async () => {
    const owner = await user("owner");
    await db.account.create({ data: { userId: owner.id, type: "oauth", provider: "github", providerAccountId: "1003", nickname: "carol" } });
    const dora = await user("dora");
    expect(await decideSignIn({ sessionUserId: dora.id, intent: { mode: "connect" } }, account, carol)).toBe(
      "http://ferry.test/profile/account?error=linked_elsewhere&provider=github&nickname=carol",
    );
  });
});
