"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/actions/wrapper";
import { cancelImport } from "@/lib/import/control";
import { IMPORT_ALL_LIMIT, importAll, importFromPicker, previewImportAll } from "@/lib/import/picker";
import { repositoryFullNameSchema } from "@/lib/import/start";
import { batchSummary, importStatusesFor } from "@/lib/import/status";
import { userMappingSchema } from "@/lib/settings";

/**
 * The repository picker's server actions. Each one validates its input and the session
 * (userAction); the permission checks happen on the server for every call, through
 * lib/projects/access: the target namespace (canImportInto), the import being cancelled
 * (requireImportManager), the statuses (readableProjectsSql, manageableImportsSql).
 */

const targetFields = {
  /** Full namespace path; the personal namespace when empty. Missing groups are created. */
  targetNamespace: z.string().trim().max(2000).nullish(),
  /** The project path; the repository slug when absent. */
  name: z.string().max(255).nullish(),
};

/** Files to import with the repository (wired by the archive-attachment component). */
const attachmentsSchema = z.strictObject({
  issuesArchiveUploadId: z.string().min(1).max(200).optional(),
  wikiBundleUploadId: z.string().min(1).max(200).optional(),
  wikiUrl: z.url().max(2000).optional(),
});

const importInput = z.object({
  repository: repositoryFullNameSchema,
  ...targetFields,
  userMapping: userMappingSchema.optional(),
  attachments: attachmentsSchema.optional(),
});
export type ImportRepositoryInput = z.input<typeof importInput>;

export const importRepository = userAction("import bitbucket repository", importInput, async (input, { user }) => {
  const result = await importFromPicker(user, {
    repository: input.repository,
    targetNamespace: input.targetNamespace,
    name: input.name,
    userMapping: input.userMapping,
    attachments: input.attachments,
  });
  return { ...result, fullPath: result.status.projectFullPath, warning: result.status.warning };
});

export const cancelRepositoryImport = userAction("cancel bitbucket import", z.object({ importId: z.number().int().positive() }), async ({ importId }, { user }) => {
  // cancelImport checks the right to manage the import.
  await cancelImport(user.id, importId);
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { sourceRepository: true } });
  const status = row ? (await importStatusesFor(user, [row.sourceRepository]))[row.sourceRepository] : undefined;
  if (!status) throw new AppError("not_found", "Import not found.");
  return status;
});

const statusesInput = z.object({
  /** The rows on screen that are still importing. */
  repositories: z.array(repositoryFullNameSchema).max(500),
  /** The imports of an "Import all" still being followed. */
  importIds: z.array(z.number().int().positive()).max(IMPORT_ALL_LIMIT * 5).optional(),
});

/** One request per poll, whatever the number of rows: the statuses of the rows on screen and the "Import all" summary. */
export const importStatuses = userAction("bitbucket import statuses", statusesInput, async ({ repositories, importIds }, { user }) => {
  const [statuses, batch] = await Promise.all([importStatusesFor(user, repositories), importIds?.length ? batchSummary(user, importIds) : Promise.resolve(null)]);
  return { statuses, batch };
});

const filterField = z.string().trim().max(255).optional();

export const previewImportAllRepositories = userAction("preview import all", z.object({ filter: filterField }), async ({ filter }, { user }) =>
  previewImportAll(user, { filter }),
);

export const importAllRepositories = userAction(
  "import all bitbucket repositories",
  z.object({
    filter: filterField,
    targetNamespace: targetFields.targetNamespace,
    overrides: z
      .record(z.string().max(300), z.object(targetFields))
      .refine((overrides) => Object.keys(overrides).length <= 10_000, "too many rows")
      .optional(),
    userMapping: userMappingSchema.optional(),
  }),
  async (input, { user }) => importAll(user, input),
);
