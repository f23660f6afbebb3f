import { z } from "zod";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { cancelImport } from "@/lib/import/control";
import { startGitHubImport } from "@/lib/import/github-start";
import { repositoryFullNameSchema, startBitbucketImport } from "@/lib/import/start";
import { startBitbucketServerImport } from "@/lib/import/start-bitbucket-server";
import { pathProblem, pathProblemMessage } from "@/lib/namespaces/paths";
import { namespaceFullName } from "@/lib/namespaces/read";
import { importAccess } from "@/lib/projects/access";
import { getImportDetails } from "@/lib/projects/import-details";
import { findProject } from "@/lib/projects/read";
import { getSettings, type ImportSourceName } from "@/lib/settings";
import { ApiError, badRequest, forbidden, notFound } from "../errors";
import { apiBoolean, apiEnum, apiId, apiInt, apiString } from "../params";
import { findApiProject } from "../projects";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeImportEntity, serializeImportStatus } from "../serializers";

/**
 * The import endpoints, answering as GitLab does. Errors of `POST /import/bitbucket` are
 * `{"error": "…"}`:
 *
 * - 400 missing or invalid parameters (named), an invalid namespace or project path;
 * - 401 "Unable to authorize with Bitbucket. Check your credentials" when Bitbucket refuses the
 *   email + API token (and always for username + app password: Bitbucket removed app passwords);
 * - 403 the Bitbucket Cloud import source is disabled, or the target namespace is taken and the
 *   caller asked for `taken_namespace=reject` (by default a taken namespace falls back to the
 *   caller's personal namespace and the answer carries `import_warning`);
 * - 422 the repository does not exist or the credentials cannot read it; a project already
 *   exists at the path;
 * - 429 the caller started `importRateLimitPerMinute` imports in the last minute (Retry-After).
 */

const BITBUCKET_AUTH_FAILED = "Unable to authorize with Bitbucket. Check your credentials";

/** `new_name` is also the project's path, so it follows the path rule (blank means not given). */
const newProjectName = () =>
  apiString().superRefine((value, context) => {
    const problem = value.trim() === "" ? null : pathProblem(value.trim());
    if (problem) context.addIssue({ code: "custom", message: pathProblemMessage(problem) });
  });

const startSchema = z.object({
  bitbucket_email: apiString().optional(),
  bitbucket_api_token: apiString().optional(),
  bitbucket_username: apiString().optional(),
  bitbucket_app_password: apiString().optional(),
  repo_path: apiString(),
  target_namespace: apiString(),
  new_name: newProjectName().optional(),
  user_mapping: apiEnum(["attribution", "placeholders"]).optional(),
  /** Ferry's addition: "reject" answers 403 instead of falling back to the personal namespace. */
  taken_namespace: apiEnum(["fallback", "reject"]).optional(),
});
type StartParams = z.infer<typeof startSchema>;

/** Email + API token, or the deprecated username + app password (passed on for Bitbucket to refuse). */
function credentialFrom(body: StartParams): { email: string; token: string } {
  const present = (value: string | undefined) => value !== undefined && value.trim() !== "";
  if (present(body.bitbucket_email) || present(body.bitbucket_api_token)) {
    const missing = [!present(body.bitbucket_email) && "bitbucket_email", !present(body.bitbucket_api_token) && "bitbucket_api_token"].filter(Boolean);
    if (missing.length) throw badRequest(`${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing`);
    return { email: body.bitbucket_email!.trim(), token: body.bitbucket_api_token! };
  }
  if (present(body.bitbucket_username) || present(body.bitbucket_app_password)) {
    const missing = [!present(body.bitbucket_username) && "bitbucket_username", !present(body.bitbucket_app_password) && "bitbucket_app_password"].filter(Boolean);
    if (missing.length) throw badRequest(`${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing`);
    return { email: body.bitbucket_username!.trim(), token: body.bitbucket_app_password! };
  }
  throw badRequest("bitbucket_email, bitbucket_api_token are missing (or the deprecated bitbucket_username, bitbucket_app_password)");
}

/** `workspace/slug`; GitLab also accepts `workspace___slug`. */
function repositoryFrom(repoPath: string): string {
  const value = repoPath.trim();
  const normalized = value.includes("/") ? value : value.replace("___", "/");
  const parsed = repositoryFullNameSchema.safeParse(normalized);
  if (!parsed.success) throw badRequest("repo_path is invalid (must look like workspace/repository)");
  return parsed.data;
}

async function enforceImportRateLimit(userId: string): Promise<void> {
  const { importRateLimitPerMinute } = await getSettings();
  const since = new Date(Date.now() - 60_000);
  const recent = await db.projectImport.findMany({
    where: { userId, createdAt: { gte: since } },
    select: { createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  if (recent.length < importRateLimitPerMinute) return;
  const oldest = recent[recent.length - importRateLimitPerMinute]!.createdAt;
  const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + 60_000 - Date.now()) / 1000));
  throw new ApiError(
    429,
    { error: `This endpoint has been requested too many times: at most ${importRateLimitPerMinute} imports a minute. Try again later.` },
    { "retry-after": String(retryAfter) },
  );
}

/** Ferry's expected errors from starting an import, in the import endpoint's `{"error": …}` shape. */
function importError(error: unknown): unknown {
  if (!isAppError(error)) return error;
  switch (error.code) {
    case "bitbucket_reconnect_required":
      return new ApiError(401, { error: BITBUCKET_AUTH_FAILED });
    case "bitbucket_forbidden":
      return new ApiError(403, {
        error: "Bitbucket refused: the API token lacks a required scope (read:repository:bitbucket, read:pullrequest:bitbucket, read:issue:bitbucket, read:wiki:bitbucket)",
      });
    default:
      return new ApiError(error.status, { error: error.message });
  }
}

/** The project's import as GitLab answers import requests; `status` replaces the stored one when the answer reports what the request itself did. */
async function importEntityFor(projectId: number, status?: "scheduled" | "canceled") {
  const project = await findProject(projectId);
  if (!project) throw notFound("Project");
  return serializeImportEntity({
    ...project,
    namespaceFullName: await namespaceFullName(project.namespace.fullPath),
    status: status ?? project.import?.status ?? "none",
    error: project.import?.error ?? null,
  });
}

const startBitbucket = apiRoute({ name: "start bitbucket import", access: "write", body: startSchema }, async ({ caller, body }) => {
  const credential = credentialFrom(body);
  const repository = repositoryFrom(body.repo_path);
  const targetNamespace = body.target_namespace.trim();
  if (!targetNamespace) throw badRequest("target_namespace is empty");
  await enforceImportRateLimit(caller.id);
  let started;
  try {
    started = await startBitbucketImport(caller, {
      repository,
      targetNamespace,
      name: body.new_name,
      credential: { kind: "api-token", ...credential },
      userMapping: body.user_mapping,
      takenNamespace: body.taken_namespace ?? "fallback",
    });
  } catch (error) {
    if (isAppError(error) && error.code === "repository_not_found") throw new ApiError(422, { error: `Project ${repository} could not be found` });
    throw importError(error);
  }
  // The answer says the import was scheduled, as this request left it, even when a worker has already picked it up.
  return apiResponse(await importEntityFor(started.projectId, "scheduled"), { status: 201 });
});

const serverStartSchema = z.object({
  bitbucket_server_url: apiString(),
  bitbucket_server_username: apiString(),
  personal_access_token: apiString(),
  bitbucket_server_project: apiString(),
  bitbucket_server_repo: apiString(),
  new_name: newProjectName().optional(),
  target_namespace: apiString().optional(),
  timeout_strategy: apiEnum(["optimistic", "pessimistic"]).optional(),
  user_mapping: apiEnum(["attribution", "placeholders"]).optional(),
  taken_namespace: apiEnum(["fallback", "reject"]).optional(),
});

/**
 * `POST /import/bitbucket_server`: 400 for bad fields or a server URL the outbound rules refuse
 * (and for a server that fails or cannot be reached, as GitLab answers), 401 when the server
 * refuses the credentials, 403 when the source is disabled, 422 for an unknown project or
 * repository or a taken path. `timeout_strategy` says what a stage without progress for IMPORT_STAGE_TIMEOUT_MINUTES does (see the scheduler's stage watchdog).
 */
const startBitbucketServer = apiRoute({ name: "start bitbucket server import", access: "write", body: serverStartSchema }, async ({ caller, body }) => {
  const missing = (["bitbucket_server_url", "bitbucket_server_username", "personal_access_token", "bitbucket_server_project", "bitbucket_server_repo"] as const).filter((field) => !body[field].trim());
  if (missing.length) throw badRequest(`${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} empty`);
  await enforceImportRateLimit(caller.id);
  let started;
  try {
    started = await startBitbucketServerImport(caller, {
      connection: { serverUrl: body.bitbucket_server_url, username: body.bitbucket_server_username.trim(), token: body.personal_access_token },
      projectKey: body.bitbucket_server_project.trim(),
      slug: body.bitbucket_server_repo.trim(),
      name: body.new_name,
      targetNamespace: body.target_namespace?.trim() || null,
      userMapping: body.user_mapping,
      timeoutStrategy: body.timeout_strategy,
      takenNamespace: body.taken_namespace ?? "fallback",
    });
  } catch (error) {
    if (isAppError(error) && (error.code === "remote_not_allowed" || error.code === "bitbucket_server_error")) throw new ApiError(400, { error: error.message });
    throw importError(error);
  }
  return apiResponse(await importEntityFor(started.projectId, "scheduled"), { status: 201 });
});

/** `POST /import/<source>/cancel`: the caller must be able to manage the import; `notRunning` is the 400 answer for an import that ended. */
function cancelRoute(source: string, notRunning: string, answer?: "canceled") {
  return apiRoute({ name: `cancel ${source} import`, access: "write", body: z.object({ project_id: apiId() }) }, async ({ caller, body }) => {
    const project = await findApiProject(caller, String(body.project_id));
    const row = await db.projectImport.findUnique({ where: { projectId: project.id }, select: { id: true, userId: true } });
    if (!row) throw notFound("Import");
    if (!(await importAccess(caller, { importerId: row.userId, project })).canManage) throw forbidden();
    try {
      await cancelImport(caller.id, row.id);
    } catch (error) {
      if (isAppError(error) && error.code === "import_not_running") throw new ApiError(400, { message: notRunning });
      throw error;
    }
    return apiResponse(await importEntityFor(project.id, answer));
  });
}

const cancelBitbucket = cancelRoute("bitbucket", "The import cannot be canceled because it is not running");

/** Optional stages of a GitHub import; keys Ferry does not know are ignored. */
const optionalStagesSchema = z
  .object({ attachments_import: apiBoolean().optional(), collaborators_import: apiBoolean().optional(), single_endpoint_notes_import: apiBoolean().optional() })
  .passthrough()
  .transform(({ attachments_import, collaborators_import, single_endpoint_notes_import }) => ({ attachments_import, collaborators_import, single_endpoint_notes_import }));

const startGithubSchema = z.object({
  personal_access_token: apiString().refine((value) => value.trim() !== "", "must not be blank"),
  repo_id: apiId(),
  target_namespace: apiString().refine((value) => value.trim() !== "", "must not be blank"),
  new_name: newProjectName().optional(),
  github_hostname: apiString().optional(),
  optional_stages: optionalStagesSchema.optional(),
  pagination_limit: apiInt().pipe(z.number().int().min(1, { error: "must be between 1 and 100" }).max(100, { error: "must be between 1 and 100" })).optional(),
  timeout_strategy: apiEnum(["optimistic", "pessimistic"]).optional(),
  user_mapping: apiEnum(["attribution", "placeholders"]).optional(),
  taken_namespace: apiEnum(["fallback", "reject"]).optional(),
});

/**
 * `POST /import/github`: 201 with the import entity; 401 "Access denied to your GitHub account."
 * when GitHub refuses the token; 422 for an unknown repository or a taken path; 400 for bad
 * fields; 403 when GitHub imports are disabled; 429 when GitHub's rate limit is exhausted.
 */
const startGithub = apiRoute({ name: "start github import", access: "write", body: startGithubSchema }, async ({ caller, body }) => {
  await enforceImportRateLimit(caller.id);
  let started;
  try {
    started = await startGitHubImport(caller, {
      repoId: body.repo_id,
      token: body.personal_access_token.trim(),
      githubHostname: body.github_hostname,
      targetNamespace: body.target_namespace.trim(),
      name: body.new_name,
      optionalStages: body.optional_stages,
      paginationLimit: body.pagination_limit,
      timeoutStrategy: body.timeout_strategy,
      userMapping: body.user_mapping,
      takenNamespace: body.taken_namespace ?? "fallback",
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === "repository_not_found") throw new ApiError(422, { error: `GitHub repository ${body.repo_id} could not be found` });
    if (error.code === "github_unauthorized") throw new ApiError(401, { error: error.message });
    if (error.code === "github_rate_limited") throw new ApiError(429, { error: "Too Many Requests" });
    throw importError(error);
  }
  return apiResponse(await importEntityFor(started.projectId, "scheduled"), { status: 201 });
});

const cancelGithub = cancelRoute("github", "The import cannot be canceled because it is finished", "canceled");
const cancelBitbucketServer = cancelRoute("bitbucket_server", "The import cannot be canceled because it is finished", "canceled");

const importStatus = apiRoute({ name: "project import status", access: "read", auth: "optional", project: "read" }, async ({ project }) => {
  const [details, namespaceName] = await Promise.all([getImportDetails(project.id), namespaceFullName(project.namespace.fullPath)]);
  return serializeImportStatus(project, namespaceName, details);
});

export const importRoutes: ApiRoutes = {
  "/import/bitbucket": { POST: startBitbucket },
  "/import/bitbucket/cancel": { POST: cancelBitbucket },
  "/import/bitbucket_server": { POST: startBitbucketServer },
  "/import/bitbucket_server/cancel": { POST: cancelBitbucketServer },
  "/import/github": { POST: startGithub },
  "/import/github/cancel": { POST: cancelGithub },
  "/projects/:id/import": { GET: importStatus },
};
