import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { bitbucketClientForUser } from "./bitbucket-client";
import { bitbucketProblem } from "./repository-listing";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/jobs";
import { pathProblem, pathProblemMessage, toValidPath } from "@/lib/namespaces/paths";
import { importStageJob } from "./pipeline/runner";

export const repositoryFullNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like workspace/repository");

export type StartedImport = { projectId: number; importId: number; fullPath: string };

/**
 * Creates the project and its import and queues the first stage. The repository is looked up
 * first so a missing or inaccessible one is a clear error before anything is written.
 */
export async function startBitbucketImport(user: SessionUser, input: { repository: string; name?: string }): Promise<StartedImport> {
  const client = await bitbucketClientForUser(user.id);
  const [workspace, slug] = input.repository.split("/") as [string, string];
  let repository;
  try {
    repository = await client.getRepository(workspace, slug);
  } catch (error) {
    if ((error as { code?: string }).code === "not_found") {
      throw new AppError("repository_not_found", `Bitbucket repository ${input.repository} could not be found, or you cannot read it.`, { status: 422 });
    }
    throw bitbucketProblem(error);
  }
  const namespace = await db.namespace.findUnique({ where: { ownerId: user.id } });
  if (!namespace) throw new AppError("namespace_missing", "Your personal namespace is missing.", { status: 409 });
  const path = toValidPath(input.name ?? repository.slug, "project");
  const problem = pathProblem(path);
  if (problem) throw new AppError("invalid_path", `Project path ${pathProblemMessage(problem)}.`, { status: 400 });
  const fullPath = `${namespace.fullPath}/${path}`;
  const account = await db.account.findFirst({ where: { userId: user.id, provider: "bitbucket" }, orderBy: { updatedAt: "desc" }, select: { id: true } });

  const created = await db.$transaction(async (tx) => {
    const taken = await tx.project.findFirst({ where: { fullPath: { equals: fullPath, mode: "insensitive" } }, select: { id: true } });
    if (taken) throw new AppError("project_path_taken", `A project already exists at ${fullPath}. Choose another name.`, { status: 422 });
    const project = await tx.project.create({
      data: {
        namespaceId: namespace.id,
        name: input.name ?? repository.name,
        path,
        fullPath,
        description: repository.description ?? "",
        visibility: repository.isPrivate ? "private" : "public",
        creatorId: user.id,
        importType: "bitbucket",
        importSource: repository.fullName,
        importUrl: repository.htmlUrl,
      },
    });
    const row = await tx.projectImport.create({
      data: {
        projectId: project.id,
        source: "bitbucket_cloud",
        sourceRepository: repository.fullName,
        userId: user.id,
        credentialAccountId: account?.id ?? null,
        status: "scheduled",
        stage: "repository",
      },
    });
    return { projectId: project.id, importId: row.id, fullPath };
  });
  await enqueue(importStageJob, { importId: created.importId, stage: "repository" });
  return created;
}
