import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SafeZip, unsafeEntryName } from "./zip";
import { ZipWriter, writeZip } from "./zip-writer";

const directory = mkdtempSync(path.join(tmpdir(), "ferry-zip-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
const file = () => path.join(directory, `archive-${++counter}.zip`);

async function openError(filePath: string, limits = {}): Promise<AppError> {
  const error = await SafeZip.open(filePath, limits).then(
    (zip) => {
      zip.close();
      return null;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function* zeros(total: number): AsyncGenerator<Buffer> {
  const block = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < total; sent += block.length) yield block.subarray(0, Math.min(block.length, total - sent));
}

describe("SafeZip", () => {
  it("lists entries and streams their content", async () => {
    const archive = file();
    await writeZip(archive, { "db-2.0.json": '{"issues": []}', "attachments/abc": Buffer.from([1, 2, 3]) });
    const zip = await SafeZip.open(archive);
    try {
      expect(zip.entries().map((entry) => entry.name).sort()).toEqual(["attachments/abc", "db-2.0.json"]);
      expect(await text(await zip.open("db-2.0.json"))).toBe('{"issues": []}');
      expect(zip.has("attachments/abc")).toBe(true);
      expect(zip.has("attachments/missing")).toBe(false);
    } finally {
      zip.close();
    }
  });

  it("reads the system zip tool's archives (the real exports were made by other tools)", async () => {
    const zip = await SafeZip.open(path.resolve("../shared/samples/bitbucket-issue-exports/quest-2020.zip"));
    try {
      expect(zip.has("db-2.0.json")).toBe(true);
      expect(JSON.parse(await text(await zip.open("db-2.0.json"))).issues).toHaveLength(116);
    } finally {
      zip.close();
    }
  });

  it.each([
    ["../../etc/passwd", "archive_unsafe_path"],
    ["attachments/../../outside", "archive_unsafe_path"],
    ["/etc/cron.d/evil", "archive_unsafe_path"],
    ["C:/Windows/evil.dll", "archive_unsafe_path"],
    ["attachments\\..\\..\\evil", "archive_unsafe_path"],
  ])("rejects the whole archive for the zip-slip entry %s", async (name, code) => {
    const archive = file();
    await writeZip(archive, { "db-2.0.json": "{}", [name]: "x" });
    const error = await openError(archive);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/unsafe file name/);
  });

  it("names why an entry name is unsafe", () => {
    expect(unsafeEntryName("attachments/8dfe5629786d4414a7e2881e61c1ecbb")).toBeNull();
    expect(unsafeEntryName("dir/file with spaces..txt")).toBeNull();
    expect(unsafeEntryName("a/../b")).toMatch(/\.\./);
    expect(unsafeEntryName("/abs")).toMatch(/absolute/);
    expect(unsafeEntryName("a\u0000b")).toMatch(/control/);
  });

  it("refuses a zip bomb by its compression ratio before inflating anything", async () => {
    const archive = file();
    const writer = await ZipWriter.create(archive);
    await writer.addFile("db-2.0.json", zeros(64 * 1024 * 1024));
    await writer.close();
    expect(statSync(archive).size).toBeLessThan(1024 * 1024);
    const error = await openError(archive);
    expect(error.code).toBe("archive_suspicious_ratio");
    expect(error.message).toMatch(/zip bomb/);
  });

  it("refuses an archive whose declared total size is over the limit", async () => {
    const archive = file();
    await writeZip(archive, { a: "x".repeat(600), b: "y".repeat(600) }, { method: "store" });
    const error = await openError(archive, { maxTotalUncompressedBytes: 1000 });
    expect(error.code).toBe("archive_too_large");
  });

  it("refuses an archive with too many entries", async () => {
    const archive = file();
    await writeZip(archive, Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, "x"])));
    expect((await openError(archive, { maxEntries: 10 })).code).toBe("archive_too_many_entries");
  });

  it("stops an entry that inflates to more than it declares", async () => {
    const archive = file();
    const writer = await ZipWriter.create(archive);
    await writer.addFile("db-2.0.json", "z".repeat(100_000), { declaredSize: 10 });
    await writer.close();
    const zip = await SafeZip.open(archive);
    try {
      await expect(text(await zip.open("db-2.0.json"))).rejects.toThrow(/size|inflate|declared|too many bytes/i);
    } finally {
      zip.close();
    }
  });

  it("reports a truncated archive clearly", async () => {
    const archive = file();
    await writeZip(archive, { "db-2.0.json": JSON.stringify({ issues: Array.from({ length: 200 }, (_, id) => ({ id, title: `Issue ${id}` })) }) });
    truncateSync(archive, Math.floor(statSync(archive).size / 2));
    const error = await openError(archive);
    expect(error.code).toBe("archive_truncated");
    expect(error.message).toMatch(/truncated or damaged/);
  });

  it("calls a file that is not a zip invalid", async () => {
    const archive = file();
    writeFileSync(archive, "this is not a zip archive at all, just some text long enough to look at");
    expect(["archive_truncated", "archive_invalid"]).toContain((await openError(archive)).code);
  });

  it("reports damaged entry data on the stream, not as a crash", async () => {
    const archive = file();
    await writeZip(archive, { "db-2.0.json": "q".repeat(5000) + "end" });
    const bytes = readFileSync(archive);
    // Corrupt the compressed data right after the local header and name.
    for (let i = 45; i < 60; i++) bytes[i] = 0xff;
    writeFileSync(archive, bytes);
    const zip = await SafeZip.open(archive);
    try {
      await expect(text(await zip.open("db-2.0.json"))).rejects.toBeInstanceOf(Error);
    } finally {
      zip.close();
    }
  });
});
