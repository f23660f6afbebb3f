import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/actions/wrapper";
import { cancelImport } from "@/lib/import/control";
import { IMPORT_ALL_LIMIT, pickerFor, type PickerBackend, type PickerSourceRepository } from "@/lib/import/picker";
import { batchSummary } from "@/lib/import/status";
import { userMappingSchema } from "@/lib/settings";

/**
 * The repository picker's server actions for one source, made from its backend. A source's
 * "use server" file exports each of them (see lib/actions/import-picker.ts). Each one validates its
 * input and the session (userAction); the permission checks happen on the server for every call,
 * through lib/projects/access: the target namespace (canImportInto), the import being cancelled
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

const filterField = z.string().trim().max(255).optional();
/** The source's extra filter values (e.g. an organization). */
const paramsField = z.record(z.string().max(50), z.string().max(255)).refine((params) => Object.keys(params).length <= 10, "too many filters").optional();

export function pickerActions<Repository extends PickerSourceRepository>(
  backend: PickerBackend<Repository>,
  /** The source's "group/name" rule. */
  repositorySchema: z.ZodType<string, string>,
) {
  const picker = pickerFor(backend);
  const source = backend.source;

  const importRepository = userAction(
    `import ${source} repository`,
    z.object({ repository: repositorySchema, ...targetFields, userMapping: userMappingSchema.optional(), attachments: attachmentsSchema.optional() }),
    async (input, { user }) => {
      const result = await picker.importFromPicker(user, input);
      return { ...result, fullPath: result.status.projectFullPath, warning: result.status.warning };
    },
  );

  const cancelRepositoryImport = userAction(`cancel ${source} import`, z.object({ importId: z.number().int().positive() }), async ({ importId }, { user }) => {
    // cancelImport checks the right to manage the import.
    await cancelImport(user.id, importId);
    const row = await db.projectImport.findUnique({ where: { id: importId }, select: { sourceRepository: true } });
    const status = row ? (await picker.statuses(user, [row.sourceRepository]))[row.sourceRepository] : undefined;
    if (!status) throw new AppError("not_found", "Import not found.");
    return status;
  });

  /** One request per poll, whatever the number of rows: the statuses of the rows on screen and the "Import all" summary. */
  const importStatuses = userAction(
    `${source} import statuses`,
    z.object({
      /** The rows on screen that are still importing. */
      repositories: z.array(repositorySchema).max(500),
      /** The imports of an "Import all" still being followed. */
      importIds: z.array(z.number().int().positive()).max(IMPORT_ALL_LIMIT * 5).optional(),
    }),
    async ({ repositories, importIds }, { user }) => {
      const [statuses, batch] = await Promise.all([picker.statuses(user, repositories), importIds?.length ? batchSummary(user, importIds) : Promise.resolve(null)]);
      return { statuses, batch };
    },
  );

  const previewImportAllRepositories = userAction(`preview import all ${source}`, z.object({ filter: filterField, params: paramsField }), async (input, { user }) =>
    picker.previewImportAll(user, input),
  );

  const importAllRepositories = userAction(
    `import all ${source} repositories`,
    z.object({
      filter: filterField,
      params: paramsField,
      targetNamespace: targetFields.targetNamespace,
      overrides: z
        .record(z.string().max(300), z.object(targetFields))
        .refine((overrides) => Object.keys(overrides).length <= 10_000, "too many rows")
        .optional(),
      userMapping: userMappingSchema.optional(),
    }),
    async (input, { user }) => picker.importAll(user, input),
  );

  /** What Import would do with a row's target, asked as the user types (debounced). */
  const checkImportTarget = userAction(`check ${source} import target`, z.object({ repository: repositorySchema, ...targetFields }), async (input, { user }) =>
    picker.previewTarget(user, input),
  );

  return { importRepository, checkImportTarget, cancelRepositoryImport, importStatuses, previewImportAllRepositories, importAllRepositories };
}

/** What a source's picker actions are, for the client side's source descriptor. */
export type PickerActions = ReturnType<typeof pickerActions>;
