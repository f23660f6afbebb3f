import { describe, expect } from "vitest";
import { SANDBOX_ACCOUNTS, SHOWCASE_REPOSITORY } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { createLocalUser } from "@/lib/users/create";
import { callApi, userWithToken } from "@/test/api";
import { sandboxTest as test } from "@/test/sandbox";
import { routeApiRequest } from "./index";

const alice = SANDBOX_ACCOUNTS.alice;

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const validStart = { bitbucket_email: alice.email, bitbucket_api_token: alice.apiToken, repo_path: SHOWCASE_REPOSITORY, target_namespace: "rockets/launch" };

describe("POST /import/bitbucket", () => {
  test("starts an import into a new subgroup and answers GitLab's ProjectImportEntity without secrets", async ({ sandbox }) => {
    const { user, token } = await userWithToken("root");
    const response = await json(await callApi("POST", "/import/bitbucket", token, validStart));
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      name: "rocket-launcher",
      full_path: "/rockets/launch/rocket-launcher",
      full_name: "rockets / launch / rocket-launcher",
      refs_url: "/rockets/launch/rocket-launcher/refs",
      forked: false,
      import_source: SHOWCASE_REPOSITORY,
      import_status: "scheduled",
      human_import_status_name: "scheduled",
      provider_link: `${sandbox.url}/${SHOWCASE_REPOSITORY}`,
      relation_type: null,
      import_warning: null,
    });
    expect(JSON.stringify(response.body)).not.toContain(alice.apiToken);
    const row = await db.projectImport.findUniqueOrThrow({ where: { projectId: response.body.id as number } });
    expect(row).toMatchObject({ userId: user.id, status: "scheduled", source: "bitbucket_cloud" });
    expect(row.credentialSecret).not.toContain(alice.apiToken);
    const group = await db.namespace.findUniqueOrThrow({ where: { fullPath: "rockets/launch" }, include: { memberships: true } });
    expect(group.memberships).toEqual([expect.objectContaining({ userId: user.id, role: "owner" })]);
  });

  test("accepts workspace___slug, a new name (also the path) and form bodies", async () => {
    const { token } = await userWithToken("root");
    const form = new URLSearchParams({ ...validStart, repo_path: "acme___rocket-launcher", target_namespace: "root", new_name: "Rocket-Launcher.copy_2" });
    const response = await routeApiRequest(
      new Request("http://localhost:3000/api/v4/import/bitbucket", { method: "POST", headers: { "private-token": token, "content-type": "application/x-www-form-urlencoded" }, body: form }),
    );
    const { status, body } = await json(response);
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: "Rocket-Launcher.copy_2", full_path: "/root/Rocket-Launcher.copy_2", import_source: SHOWCASE_REPOSITORY });
  });

  test("refuses a new name that is not a valid path, naming the field, as the import picker does", async () => {
    const { token } = await userWithToken("root");
    const refusal = async (newName: string) => json(await callApi("POST", "/import/bitbucket", token, { ...validStart, new_name: newName }));
    expect(await refusal("-bad-")).toEqual({ status: 400, body: { error: "new_name is invalid (must not start or end with a special character)" } });
    expect(await refusal("rocket.")).toEqual({ status: 400, body: { error: "new_name is invalid (must not start or end with a special character)" } });
    expect(await refusal("rocket--launcher")).toEqual({ status: 400, body: { error: "new_name is invalid (must not contain consecutive special characters)" } });
    expect(await refusal("rocket._launcher")).toEqual({ status: 400, body: { error: "new_name is invalid (must not contain consecutive special characters)" } });
    expect(await refusal("Rocket Launcher (copy)")).toEqual({ status: 400, body: { error: "new_name is invalid (can contain only letters, digits, '_', '-' and '.')" } });
    expect(await refusal("rocket.git")).toEqual({ status: 400, body: { error: "new_name is invalid (must not end in '.git' or '.atom')" } });
    expect(await db.project.count()).toBe(0);
  });

  test("names missing and invalid parameters", async () => {
    const { token } = await userWithToken("root");
    expect(await json(await callApi("POST", "/import/bitbucket", token, {}))).toEqual({ status: 400, body: { error: "repo_path is missing, target_namespace is missing" } });
    expect(await json(await callApi("POST", "/import/bitbucket", token, { repo_path: SHOWCASE_REPOSITORY, target_namespace: "root" }))).toEqual({
      status: 400,
      body: { error: "bitbucket_email, bitbucket_api_token are missing (or the deprecated bitbucket_username, bitbucket_app_password)" },
    });
    expect((await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, bitbucket_api_token: undefined }))).body).toEqual({ error: "bitbucket_api_token is missing" });
    expect((await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, repo_path: "just-a-name" }))).body).toEqual({
      error: "repo_path is invalid (must look like workspace/repository)",
    });
    expect((await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, repo_path: 42, target_namespace: ["a"] }))).body).toEqual({
      error: "repo_path is invalid (must be a string), target_namespace is invalid (must be a string)",
    });
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, target_namespace: "  " }))).toEqual({ status: 400, body: { error: "target_namespace is empty" } });
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, target_namespace: "bad..path" }))).toMatchObject({ status: 400 });
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, user_mapping: "everyone" }))).toMatchObject({ status: 400, body: { error: /user_mapping is invalid/ } });
    expect(await db.project.count()).toBe(0);
  });

  test("passes Bitbucket's refusal of app passwords and bad API tokens on as a clear 401", async () => {
    const { token } = await userWithToken("root");
    const appPassword = { bitbucket_username: "alice", bitbucket_app_password: "app-password", repo_path: SHOWCASE_REPOSITORY, target_namespace: "root" };
    expect(await json(await callApi("POST", "/import/bitbucket", token, appPassword))).toEqual({
      status: 401,
      body: { error: "Unable to authorize with Bitbucket. Check your credentials" },
    });
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, bitbucket_api_token: "ATATT-wrong" }))).toEqual({
      status: 401,
      body: { error: "Unable to authorize with Bitbucket. Check your credentials" },
    });
    expect(await db.project.count()).toBe(0);
  });

  test("answers 422 for a repository that does not exist or cannot be read, and for a path already taken", async () => {
    const { token } = await userWithToken("root");
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, repo_path: "acme/no-such-repository" }))).toEqual({
      status: 422,
      body: { error: "Project acme/no-such-repository could not be found" },
    });
    const bob = SANDBOX_ACCOUNTS.bob;
    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, bitbucket_email: bob.email, bitbucket_api_token: bob.apiToken, repo_path: "initech/tps-reports" }))).toMatchObject({
      status: 422,
    });
    expect((await json(await callApi("POST", "/import/bitbucket", token, validStart))).status).toBe(201);
    expect(await json(await callApi("POST", "/import/bitbucket", token, validStart))).toEqual({
      status: 422,
      body: { error: "A project already exists at rockets/launch/rocket-launcher. Choose another name." },
    });
  });

  test("falls back to the personal namespace with a warning when the target is taken, or refuses on request", async () => {
    await userWithToken("bob");
    const { token } = await userWithToken("root");
    const fallback = await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, target_namespace: "bob" }));
    expect(fallback.status).toBe(201);
    expect(fallback.body).toMatchObject({ full_path: "/root/rocket-launcher", import_warning: expect.stringContaining("The namespace bob is taken") });

    expect(await json(await callApi("POST", "/import/bitbucket", token, { ...validStart, target_namespace: "bob", new_name: "other", taken_namespace: "reject" }))).toEqual({
      status: 403,
      body: { error: "You are not allowed to import projects in the namespace bob." },
    });
  });

  test("answers 403 when Bitbucket Cloud imports are disabled and for read-only tokens", async () => {
    const { token } = await userWithToken("root");
    const readOnly = await userWithToken("reader", { scopes: ["read_api"] });
    expect((await json(await callApi("POST", "/import/bitbucket", readOnly.token, validStart))).body).toMatchObject({ error: "insufficient_scope" });
    await updateSettings({ importSources: { bitbucket_cloud: false, bitbucket_server: true, github: true } });
    expect(await json(await callApi("POST", "/import/bitbucket", token, validStart))).toEqual({
      status: 403,
      body: { error: "Importing from Bitbucket Cloud is disabled on this Ferry." },
    });
    expect(await callApi("POST", "/import/bitbucket", null, validStart).then((response) => response.status)).toBe(401);
  });

  test("answers 429 with Retry-After once the caller's own imports exceed the limit per minute", async () => {
    await updateSettings({ importRateLimitPerMinute: 2 });
    const { token } = await userWithToken("root");
    const other = await userWithToken("other");
    expect((await callApi("POST", "/import/bitbucket", token, { ...validStart, new_name: "one" })).status).toBe(201);
    expect((await callApi("POST", "/import/bitbucket", token, { ...validStart, new_name: "two" })).status).toBe(201);
    const limited = await callApi("POST", "/import/bitbucket", token, { ...validStart, new_name: "three" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ error: expect.stringMatching(/at most 2 imports a minute/) });
    // Another user's limit is their own.
    expect((await callApi("POST", "/import/bitbucket", other.token, { ...validStart, target_namespace: "other" })).status).toBe(201);
    // A minute later the earlier imports no longer count.
    await db.projectImport.updateMany({ data: { createdAt: new Date(Date.now() - 61_000) } });
    expect((await callApi("POST", "/import/bitbucket", token, { ...validStart, new_name: "three" })).status).toBe(201);
  });
});

describe("other import endpoints", () => {
  test("cancels a pending import, refuses to cancel twice, and hides other people's projects", async () => {
    const { token } = await userWithToken("root");
    const stranger = await userWithToken("stranger");
    const { body } = await json(await callApi("POST", "/import/bitbucket", token, validStart));
    const projectId = body.id as number;

    expect((await json(await callApi("POST", "/import/bitbucket/cancel", stranger.token, { project_id: projectId }))).status).toBe(404);
    const canceled = await json(await callApi("POST", "/import/bitbucket/cancel", token, { project_id: projectId }));
    expect(canceled).toMatchObject({ status: 200, body: { id: projectId, import_status: "canceled", human_import_status_name: "canceled" } });
    expect(await json(await callApi("POST", "/import/bitbucket/cancel", token, { project_id: projectId }))).toEqual({
      status: 400,
      body: { message: "The import cannot be canceled because it is not running" },
    });
    expect((await json(await callApi("POST", "/import/bitbucket/cancel", token, { project_id: 999_999 }))).status).toBe(404);
    expect(await json(await callApi("POST", "/import/bitbucket/cancel", token, { project_id: "x" }))).toEqual({ status: 400, body: { error: "project_id is invalid (must be an integer)" } });
  });

  test("answers 501 for import sources without an adapter, 403 when they are disabled", async () => {
    const { token } = await userWithToken("root");
    expect(await json(await callApi("POST", "/import/bitbucket_server", token, {}))).toEqual({
      status: 501,
      body: { error: expect.stringMatching(/^Importing from Bitbucket Server is not yet supported/) },
    });
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: false, github: true } });
    expect((await callApi("POST", "/import/bitbucket_server", token, {})).status).toBe(403);
  });

  test("reports an import's status, counts per object type, the failure ledger and messages", async () => {
    const { token } = await userWithToken("root");
    const stranger = await userWithToken("stranger");
    const { body } = await json(await callApi("POST", "/import/bitbucket", token, validStart));
    const projectId = body.id as number;
    const row = await db.projectImport.findUniqueOrThrow({ where: { projectId } });
    await db.projectImport.update({ where: { id: row.id }, data: { status: "partial", stage: "finish", finishedAt: new Date() } });
    await db.importProgress.createMany({
      data: [
        { importId: row.id, objectType: "pull_request", total: 9, fetched: 9, imported: 8, failed: 1 },
        { importId: row.id, objectType: "issue", total: null, fetched: 0, imported: 0, failed: 0 },
      ],
    });
    await db.importFailure.createMany({
      data: [
        { importId: row.id, stage: "pull_requests", objectType: "pull_request", sourceId: "4", message: "Bitbucket answered a malformed body" },
        { importId: row.id, stage: "pull_requests", objectType: "pull_request", sourceId: "2", message: "resolved later", resolvedAt: new Date() },
      ],
    });
    await db.importMessage.create({ data: { importId: row.id, severity: "info", code: "issues_removed", message: "Bitbucket Cloud no longer serves issues; the issue stages were skipped." } });

    const status = await json(await callApi("GET", `/projects/${projectId}/import`, token));
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      id: projectId,
      name: "rocket-launcher",
      path_with_namespace: "rockets/launch/rocket-launcher",
      import_source: SHOWCASE_REPOSITORY,
      import_type: "bitbucket",
      import_status: "partial",
      import_error: null,
      import_warning: null,
      stats: { total: { pull_request: 9 }, fetched: { pull_request: 9, issue: 0 }, imported: { pull_request: 8, issue: 0 }, failed: { pull_request: 1, issue: 0 } },
      failed_relations: [{ type: "pull_request", source_id: "4", message: "Bitbucket answered a malformed body", created_at: expect.any(String) }],
      messages: [{ severity: "info", code: "issues_removed", message: expect.stringContaining("no longer serves issues"), created_at: expect.any(String) }],
    });
    expect(JSON.stringify(status.body)).not.toContain(alice.apiToken);
    // The project is private (as at Bitbucket): invisible to others and to anonymous callers.
    expect(await json(await callApi("GET", `/projects/${projectId}/import`, stranger.token))).toEqual({ status: 404, body: { message: "404 Project Not Found" } });
    expect((await callApi("GET", `/projects/${projectId}/import`, null)).status).toBe(404);
  });
});
