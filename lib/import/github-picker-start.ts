import type { SessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { UserMapping } from "@/lib/settings";
import type { TakenNamespacePolicy } from "@/lib/namespaces/targets";
import type { GithubOptionalStages } from "./github-picker";

export type GithubPickerStartInput = {
  repository: string;
  repoId?: number;
  targetNamespace?: string | null;
  name?: string | null;
  userMapping?: UserMapping;
  takenNamespace?: TakenNamespacePolicy;
  optionalStages?: GithubOptionalStages;
};

function unavailable(): never {
  throw new AppError("import_source_disabled", "Importing from GitHub is not available on this Ferry yet.");
}

export async function startGithubImportFromPicker(_user: SessionUser, _input: GithubPickerStartInput): Promise<{ projectId: number }> {
  unavailable();
}

export async function resumeGithubImport(_user: SessionUser, _importId: number): Promise<unknown> {
  unavailable();
}
