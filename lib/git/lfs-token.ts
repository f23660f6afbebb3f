/**
 * Short-lived download tokens for LFS objects. The batch endpoint (which authenticated the caller
 * and checked the project) hands one out per object in `actions.download.header`; the object
 * endpoint accepts it instead of credentials. git-lfs does not authenticate action hrefs itself
 * when the credentials came from a credential helper, and echoing the caller's Authorization
 * header would duplicate a header set with http.extraHeader — hence a separate header.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const LFS_TOKEN_HEADER = "X-Ferry-Lfs-Token";

function mac(key: string, fullPath: string, oid: string, expires: number): string {
  return createHmac("sha256", `ferry-lfs-download:${key}`).update(`${fullPath}\n${oid}\n${expires}`).digest("base64url");
}

/** A token that allows downloading `oid` through project `fullPath` until `expiresAt` (ms). */
export function createLfsDownloadToken(key: string, fullPath: string, oid: string, expiresAt: number): string {
  const expires = Math.floor(expiresAt / 1000);
  return `v1.${expires}.${mac(key, fullPath, oid, expires)}`;
}

export function verifyLfsDownloadToken(key: string, token: string | null, fullPath: string, oid: string, now = Date.now()): boolean {
  if (!token || !key) return false;
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 < now) return false;
  const expected = Buffer.from(mac(key, fullPath, oid, expires));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
