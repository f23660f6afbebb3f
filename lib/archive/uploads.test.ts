import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/lib/config";
import { discardUpload, saveUpload, uploadsDirectory } from "./uploads";

const dataDir = mkdtempSync(path.join(tmpdir(), "ferry-uploads-"));
const saved = { DATA_DIR: process.env.DATA_DIR, UPLOAD_QUOTA_BYTES: process.env.UPLOAD_QUOTA_BYTES, UPLOADS_TOTAL_BYTES: process.env.UPLOADS_TOTAL_BYTES };

beforeAll(() => {
  Object.assign(process.env, { DATA_DIR: dataDir, UPLOAD_QUOTA_BYTES: "1000", UPLOADS_TOTAL_BYTES: "2500" });
  reloadConfig();
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  reloadConfig();
  rmSync(dataDir, { recursive: true, force: true });
});

async function* bytes(count: number) {
  for (let sent = 0; sent < count; sent += 100) yield new Uint8Array(Math.min(100, count - sent));
}

const upload = (ownerId: string, size: number) => saveUpload({ ownerId, originalName: "export.zip", body: bytes(size) });

describe("upload quotas", () => {
  it("limits the unused uploads of each user and of everyone together, keeping nothing of a refused one", async () => {
    const first = await upload("alice", 600);
    await expect(upload("alice", 600)).rejects.toMatchObject({ code: "upload_quota_exceeded", status: 413 });
    await upload("alice", 400);
    await upload("bob", 1000);
    await expect(upload("carol", 600)).rejects.toMatchObject({ code: "uploads_full", status: 507 });
    // A used or discarded upload frees its space.
    expect(await discardUpload(first.id, "alice")).toBe(true);
    await upload("alice", 500);
    expect(statSync(uploadsDirectory()).mode & 0o777).toBe(0o700);
  });
});
