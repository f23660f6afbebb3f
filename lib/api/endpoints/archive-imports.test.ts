import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopJobs } from "@/lib/jobs";
import { createPersonalAccessToken } from "@/lib/tokens";
import { callApi } from "@/test/api";
import { resetDatabase } from "@/test/db";
import { runArchiveJob } from "@/lib/archive/jobs";
import { writeZip } from "@/lib/archive/zip-writer";
import { createUserWithProject, syntheticExport } from "@/test/archive";

const directory = mkdtempSync(path.join(tmpdir(), "ferry-archive-api-"));
afterAll(async () => {
  await stopJobs();
  rmSync(directory, { recursive: true, force: true });
});
beforeEach(resetDatabase);

async function tokenFor(userId: string, scopes: ("api" | "read_api")[] = ["api"]) {
  return (await createPersonalAccessToken(userId, { name: "test", scopes })).token;
}

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & unknown[] };
}

async function exportZip(): Promise<Blob> {
  const file = path.join(directory, `export-${Date.now()}-${Math.random()}.zip`);
  await writeZip(file, { "db-1.0.json": JSON.stringify(syntheticExport({ issues: 4 })) });
  return new Blob([readFileSync(file)], { type: "application/zip" });
}

describe("POST /projects/:id/import/bitbucket_issues", () => {
  it("takes a multipart file, answers 202 with the job, and the job endpoints report it", async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const token = await tokenFor(user.id);
    const form = new FormData();
    form.set("file", await exportZip(), "tracker-issues.zip");
    const started = await json(await callApi("POST", `/projects/${project.id}/import/bitbucket_issues`, token, form));
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ project_id: project.id, type: "bitbucket_issues", state: "queued", progress: 0, source: { file_name: "tracker-issues.zip", url: null } });
    const jobId = started.body.id as number;

    await runArchiveJob(jobId);
    const job = await json(await callApi("GET", `/import/jobs/${jobId}`, token));
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id: jobId, state: "completed", progress: 100, counts: { issues: { total: 4, imported: 4, failed: 0 } } });

    const messages = await json(await callApi("GET", `/import/jobs/${jobId}/messages`, token));
    expect(messages.status).toBe(200);
    expect((messages.body as unknown as Array<{ message: string }>).map((message) => message.message)).toContain("Import completed.");
    expect(messages.body[0]).toMatchObject({ id: expect.any(Number), severity: "info", created_at: expect.any(String) });

    const cancel = await json(await callApi("POST", `/import/jobs/${jobId}/cancel`, token));
    expect(cancel).toEqual({ status: 409, body: { message: expect.stringMatching(/already ended/) } });
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(4);
  });

  it("accepts the project's URL-encoded full path", async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const form = new FormData();
    form.set("file", await exportZip(), "export.zip");
    const started = await callApi("POST", `/projects/maintainer%2Ftracker/import/bitbucket_issues`, await tokenFor(user.id), form);
    expect(started.status).toBe(202);
    expect(((await started.json()) as { project_id: number }).project_id).toBe(project.id);
  });

  it("answers GitLab-shaped errors: no caller, read-only token, no role, no project, no file", async () => {
    const owner = await createUserWithProject("owner");
    const form = () => {
      const data = new FormData();
      data.set("file", new Blob(["x"]), "export.zip");
      return data;
    };
    const at = `/projects/${owner.project.id}/import/bitbucket_issues`;
    expect(await json(await callApi("POST", at, null, form()))).toEqual({ status: 401, body: { message: "401 Unauthorized" } });
    expect((await callApi("POST", at, await tokenFor(owner.user.id, ["read_api"]), form())).status).toBe(403);

    const developer = await createUserWithProject("developer");
    await db.membership.create({ data: { userId: developer.user.id, namespaceId: owner.project.namespaceId, role: "developer" } });
    expect(await json(await callApi("POST", at, await tokenFor(developer.user.id), form()))).toEqual({ status: 403, body: { message: "403 Forbidden" } });
    const outsider = await createUserWithProject("outsider");
    expect(await json(await callApi("POST", at, await tokenFor(outsider.user.id), form()))).toEqual({ status: 404, body: { message: "404 Project Not Found" } });

    const noFile = new FormData();
    noFile.set("note", "hello");
    const missing = await json(await callApi("POST", at, await tokenFor(owner.user.id), noFile));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/file is missing/);
    expect(await db.archiveImportJob.count()).toBe(0);
  });
});

describe("POST /projects/:id/import/wiki", () => {
  it("refuses a URL that is not allowed, and needs a url or a bundle", async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const token = await tokenFor(user.id);
    const at = `/projects/${project.id}/import/wiki`;
    const refused = await json(await callApi("POST", at, token, { url: "file:///etc" }));
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/local paths are not accepted|Only http and https/);
    const elsewhere = await json(await callApi("POST", at, token, { url: "https://git.evil.example/wiki.git" }));
    expect(elsewhere).toMatchObject({ status: 422, body: { message: expect.stringMatching(/is not allowed/) } });
    const empty = await json(await callApi("POST", at, token, {}));
    expect(empty).toEqual({ status: 400, body: { error: "url or bundle is missing" } });
  });

  it("takes a multipart bundle", async () => {
    const { execFileSync } = await import("node:child_process");
    const work = path.join(directory, "wiki-clone");
    execFileSync("git", ["init", "--quiet", "--initial-branch=master", work]);
    execFileSync("sh", ["-c", `cd "${work}" && printf '# Home' > Home.md && git add . && git -c user.name=W -c user.email=w@example.com commit --quiet -m home && git bundle create --quiet ../wiki.bundle --all`]);
    const { user, project } = await createUserWithProject("maintainer");
    const form = new FormData();
    form.set("bundle", new Blob([readFileSync(path.join(directory, "wiki.bundle"))]), "wiki.bundle");
    const started = await json(await callApi("POST", `/projects/${project.id}/import/wiki`, await tokenFor(user.id), form));
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ type: "wiki", state: "queued", source: { file_name: "wiki.bundle" } });
    await runArchiveJob(started.body.id as number);
    expect((await db.archiveImportJob.findUniqueOrThrow({ where: { id: started.body.id as number } })).state).toBe("completed");
  });
});

describe("GET /import/jobs/:id", () => {
  it("shows a job only to those who may see it", async () => {
    const { user, project } = await createUserWithProject("maintainer");
    const job = await db.archiveImportJob.create({ data: { projectId: project.id, userId: user.id, kind: "wiki", sourceUrl: "https://example.com/w.git" } });
    const outsider = await createUserWithProject("outsider");
    expect(await json(await callApi("GET", `/import/jobs/${job.id}`, await tokenFor(outsider.user.id)))).toEqual({
      status: 404,
      body: { message: "Import job not found." },
    });
    expect((await callApi("GET", "/import/jobs/abc", await tokenFor(user.id))).status).toBe(404);
  });
});
