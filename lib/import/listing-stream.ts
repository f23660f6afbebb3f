import type { PublicError } from "@/lib/errors";
import type { ImportableRepository } from "./repository-listing";
import type { RowImportStatus } from "./status";

/** The lines of GET /import/bitbucket/repositories (newline-delimited JSON), in this order. */
export type ListingStreamEvent =
  | { type: "workspaces"; workspaces: string[] }
  | { type: "repositories"; workspace: string; repositories: ImportableRepository[]; imports: Record<string, RowImportStatus> }
  | { type: "problem"; workspace: string; message: string }
  | { type: "end"; cursor: string | null }
  | { type: "error"; error: PublicError };
