/**
 * Where Ferry keeps git data under DATA_DIR:
 *
 *   repositories/<projectId>.git        the project's bare repository
 *   repositories/<projectId>.wiki.git   its wiki
 *   lfs/objects/<oid[0:2]>/<oid[2:4]>/<oid>   LFS objects, content-addressed (sha256)
 *   lfs/tmp/                             downloads in progress (same file system, renamed into place)
 *   snippets/<snippetId>.git            a snippet's bare repository (its files and their history)
 */
import path from "node:path";
import { config } from "@/lib/config";

const OID = /^[0-9a-f]{64}$/;

export function isLfsOid(value: unknown): value is string {
  return typeof value === "string" && OID.test(value);
}

function dataDir(root?: string): string {
  return path.resolve(root ?? config().DATA_DIR);
}

function checkProjectId(projectId: number): number {
  if (!Number.isSafeInteger(projectId) || projectId <= 0) throw new Error(`Invalid project id: ${String(projectId)}`);
  return projectId;
}

export function repositoriesRoot(root?: string): string {
  return path.join(dataDir(root), "repositories");
}

export function projectRepositoryPath(projectId: number, root?: string): string {
  return path.join(repositoriesRoot(root), `${checkProjectId(projectId)}.git`);
}

export function projectWikiPath(projectId: number, root?: string): string {
  return path.join(repositoriesRoot(root), `${checkProjectId(projectId)}.wiki.git`);
}

export function snippetRepositoryPath(snippetId: number, root?: string): string {
  if (!Number.isSafeInteger(snippetId) || snippetId <= 0) throw new Error(`Invalid snippet id: ${String(snippetId)}`);
  return path.join(dataDir(root), "snippets", `${snippetId}.git`);
}

export function lfsRoot(root?: string): string {
  return path.join(dataDir(root), "lfs");
}

/** `<lfsRoot>/objects/<oid[0:2]>/<oid[2:4]>/<oid>` */
export function lfsObjectPath(oid: string, lfsRootDir: string = lfsRoot()): string {
  if (!isLfsOid(oid)) throw new Error("Invalid LFS object id");
  return path.join(lfsRootDir, "objects", oid.slice(0, 2), oid.slice(2, 4), oid);
}
