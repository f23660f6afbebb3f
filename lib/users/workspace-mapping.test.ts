import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBitbucketClient } from "@/lib/bitbucket";
import { db } from "@/lib/db";
import { SANDBOX_ACCOUNTS, createBitbucketHandlers, createSandboxState } from "@/mocks/bitbucket";
import { resetDatabase } from "@/test/db";
import { workspaceMappingSummary } from "./workspace-mapping";

const state = createSandboxState();
const API = "https://api.bitbucket.test";
const server = setupServer(...createBitbucketHandlers(state, { webUrl: "https://bitbucket.test", apiUrl: API }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(async () => {
  state.reset();
  await resetDatabase();
});

function aliceClient() {
  const { accessToken } = state.grantTokensFor("alice");
  return createBitbucketClient({
    apiUrl: API,
    credential: { kind: "oauth", getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
  });
}

describe("the workspace mapping summary", () => {
  it("counts the members mapped to Ferry users by uuid and lists who is not", async () => {
    const bobFerry = await db.user.create({ data: { username: "bobby", name: "Bobby" } });
    await db.account.create({ data: { userId: bobFerry.id, type: "oauth", provider: "bitbucket", providerAccountId: SANDBOX_ACCOUNTS.bob.uuid, nickname: "bob" } });
    // A Ferry user who merely shares carol's name is not a mapping.
    await db.user.create({ data: { username: "carol", name: "Carol Chen" } });
    state.renameAccount("bob", { nickname: "robert" });

    const summary = await workspaceMappingSummary(aliceClient(), "acme");
    expect(summary).toMatchObject({ workspace: "acme", total: 3, mapped: 1 });
    expect(summary.members.map((member) => [member.nickname, member.ferryUser?.username ?? null])).toEqual([
      ["alice", null],
      ["carol", null],
      ["robert", "bobby"],
    ]);
  });

  it("is a clear 404 for a workspace the user cannot see or that does not exist", async () => {
    for (const workspace of ["coyote-labs", "no-such-workspace"]) {
      await expect(workspaceMappingSummary(aliceClient(), workspace)).rejects.toMatchObject({ code: "workspace_not_found", status: 404 });
    }
  });
});
