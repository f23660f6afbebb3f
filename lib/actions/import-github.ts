"use server";

import { pickerActions } from "@/lib/actions/picker-actions";
import { githubPicker, githubRepositoryNameSchema } from "@/lib/import/github-picker";

/** The repository picker's server actions for GitHub (lib/actions/picker-actions.ts). */
const github = pickerActions(githubPicker, githubRepositoryNameSchema);

export const importRepository = github.importRepository;
export const cancelRepositoryImport = github.cancelRepositoryImport;
export const importStatuses = github.importStatuses;
export const previewImportAllRepositories = github.previewImportAllRepositories;
export const importAllRepositories = github.importAllRepositories;
export const checkImportTarget = github.checkImportTarget;
