import { describe, expect } from "vitest";
import { decryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { GITHUB_ACCOUNTS } from "@/mocks/github";
import { callApi, userWithToken } from "@/test/api";
import { githubTest as test, SHOWCASE_REPO_ID } from "@/test/github";

const token = GITHUB_ACCOUNTS.alice.token!;
const validStart = { personal_access_token: token, repo_id: String(SHOWCASE_REPO_ID), target_namespace: "rockets/launch" };

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("POST /import/github", () => {
  test("starts an import with GitLab's answer, the token encrypted, the options recorded", async ({ github }) => {
    const { user, token: ferry } = await userWithToken("root");
    const response = await json(
      await callApi("POST", "/import/github", ferry, { ...validStart, new_name: "rocket-copy", optional_stages: { attachments_import: true, unknown_stage: true }, pagination_limit: 50 }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: "rocket-copy",
      full_path: "/rockets/launch/rocket-copy",
      import_source: "acme/rocket",
      import_status: "scheduled",
      provider_link: `${github.url}/acme/rocket`,
    });
    expect(JSON.stringify(response.body)).not.toContain(token);
    const row = await db.projectImport.findUniqueOrThrow({ where: { projectId: response.body.id as number } });
    expect(row).toMatchObject({ userId: user.id, source: "github", stage: "github_repository" });
    expect(row.credentialSecret).not.toContain(token);
    expect(JSON.parse(decryptSecret(row.credentialSecret!))).toEqual({ token });
    expect(row.options).toMatchObject({ github: { repoId: SHOWCASE_REPO_ID, perPage: 50, attachments: true, collaborators: true, singleEndpointNotes: false, timeoutStrategy: "pessimistic" } });
  });

  test("reaches a GitHub Enterprise Server under /api/v3, but only on an allowed host", async ({ github }) => {
    const { token: ferry } = await userWithToken("root");
    const ghes = await json(await callApi("POST", "/import/github", ferry, { ...validStart, github_hostname: github.url.replace("localhost", "127.0.0.1") }));
    expect(ghes.status).toBe(201);
    const refused = await json(await callApi("POST", "/import/github", ferry, { ...validStart, target_namespace: "other", github_hostname: "https://169.254.169.254" }));
    expect(refused.status).toBe(422);
    expect(String(refused.body.error)).toMatch(/not allowed/);
    expect(github.state.requests().filter((entry) => entry.path.startsWith("/api/v3/repositories/")).length).toBe(1);
  });

  test("answers GitHub's refusals and bad fields as GitLab does", async ({ github }) => {
    const { token: ferry } = await userWithToken("root");
    const start = async (body: object) => json(await callApi("POST", "/import/github", ferry, body));
    expect(await start({ ...validStart, personal_access_token: "ghp_wrong" })).toEqual({ status: 401, body: { error: "Access denied to your GitHub account." } });
    expect(await start({ ...validStart, repo_id: 7005 })).toEqual({ status: 422, body: { error: "GitHub repository 7005 could not be found" } });
    expect((await start({ ...validStart, new_name: "-bad-" })).body).toEqual({ error: "new_name is invalid (must not start or end with a special character)" });
    expect((await start({ ...validStart, pagination_limit: 101 })).status).toBe(400);
    expect((await start({ ...validStart, timeout_strategy: "hopeful" })).status).toBe(400);
    expect((await start({ repo_id: 7001 })).body).toEqual({ error: "personal_access_token is missing, target_namespace is missing" });
    github.state.setRateLimit("alice", { remaining: 0, resetInSeconds: 600 });
    expect(await start(validStart)).toEqual({ status: 429, body: { error: "Too Many Requests" } });
    github.state.setRateLimit("alice", { remaining: 100 });
    expect((await start({ ...validStart, new_name: "first" })).status).toBe(201);
    expect((await start({ ...validStart, new_name: "first" })).status).toBe(422);
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: false } });
    expect((await start({ ...validStart, new_name: "second" })).status).toBe(403);
    expect(await db.project.count()).toBe(1);
  });
});

describe("POST /import/github/cancel", () => {
  test("cancels a running import, refuses a finished one, and 404s an unknown project", async () => {
    const { token: ferry } = await userWithToken("root");
    const started = await json(await callApi("POST", "/import/github", ferry, validStart));
    const projectId = started.body.id as number;
    const cancel = await json(await callApi("POST", "/import/github/cancel", ferry, { project_id: projectId }));
    expect(cancel).toMatchObject({ status: 200, body: { id: projectId, import_status: "canceled", human_import_status_name: "canceled" } });
    await db.projectImport.update({ where: { projectId }, data: { status: "finished" } });
    expect(await json(await callApi("POST", "/import/github/cancel", ferry, { project_id: projectId }))).toEqual({
      status: 400,
      body: { message: "The import cannot be canceled because it is finished" },
    });
    expect((await callApi("POST", "/import/github/cancel", ferry, { project_id: 999_999 })).status).toBe(404);
  });
});

describe("GitHub identities and protected branches", () => {
  test("POST /users links a GitHub account by its user id; GET /projects/:id/protected_branches shows the mapped levels", async () => {
    const { token: admin } = await userWithToken("root", { admin: true });
    const created = await json(
      await callApi("POST", "/users", admin, { username: "bobby", email: "bobby@ferry.test", name: "Bobby", password: "correct horse battery", provider: "github", extern_uid: "1002" }),
    );
    expect(created.status).toBe(201);
    expect(created.body.identities).toEqual([{ provider: "github", extern_uid: "1002" }]);
    expect((await callApi("POST", "/users", admin, { username: "bob2", email: "b2@ferry.test", name: "B", password: "correct horse battery", provider: "github", extern_uid: "1002" })).status).toBe(409);
    expect((await callApi("POST", "/users", admin, { username: "bob3", email: "b3@ferry.test", name: "B", password: "correct horse battery", provider: "github", extern_uid: "bob" })).status).toBe(400);
    const found = await json(await callApi("GET", "/users?provider=github&extern_uid=1002", admin));
    expect((found.body as unknown as Array<{ username: string }>).map((user) => user.username)).toEqual(["bobby"]);

    const started = await json(await callApi("POST", "/import/github", admin, validStart));
    const projectId = started.body.id as number;
    await db.protectedBranch.create({ data: { projectId, name: "main", pushAccessLevel: 0, mergeAccessLevel: 30, codeOwnerApprovalRequired: true } });
    const branches = await json(await callApi("GET", `/projects/${projectId}/protected_branches`, admin));
    expect(branches.body).toEqual([
      expect.objectContaining({
        name: "main",
        push_access_levels: [expect.objectContaining({ access_level: 0, access_level_description: "No one" })],
        merge_access_levels: [expect.objectContaining({ access_level: 30, access_level_description: "Developers + Maintainers" })],
        allow_force_push: false,
        code_owner_approval_required: true,
      }),
    ]);
    const { token: stranger } = await userWithToken("mallory");
    expect((await callApi("GET", `/projects/${projectId}/protected_branches`, stranger)).status).toBe(404);
  });
});
