"use server";

import { pickerActions } from "@/lib/actions/picker-actions";
import { bitbucketCloudPicker } from "@/lib/import/picker";
import { repositoryFullNameSchema } from "@/lib/import/start";

/** The repository picker's server actions for Bitbucket Cloud (lib/actions/picker-actions.ts). */
const bitbucketCloud = pickerActions(bitbucketCloudPicker, repositoryFullNameSchema);

export const importRepository = bitbucketCloud.importRepository;
export const checkImportTarget = bitbucketCloud.checkImportTarget;
export const cancelRepositoryImport = bitbucketCloud.cancelRepositoryImport;
export const importStatuses = bitbucketCloud.importStatuses;
export const previewImportAllRepositories = bitbucketCloud.previewImportAllRepositories;
export const importAllRepositories = bitbucketCloud.importAllRepositories;
