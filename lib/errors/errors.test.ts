import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError, ERROR_STATUS, toPublicError, validationError } from ".";
import { z } from "zod";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCE_FOLDERS = ["app", "components", "lib", "mocks", "scripts", "test"];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Every literal code thrown in the tree: the first argument of AppError constructors and of super() in AppError subclasses. */
function codesInSource(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)))) {
    const text = readFileSync(file, "utf8");
    const patterns = [/new AppError\(\s*"([a-z_]+)"/g, ...(/extends AppError\b/.test(text) ? [/super\(\s*"([a-z_]+)"/g] : [])];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) codes.set(match[1]!, path.relative(ROOT, file));
    }
  }
  return codes;
}

describe("ERROR_STATUS", () => {
  it("has a status for every code thrown in the tree", () => {
    const codes = codesInSource();
    expect(codes.size).toBeGreaterThan(50);
    const missing = [...codes].filter(([code]) => !(code in ERROR_STATUS)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it("maps codes to HTTP error statuses", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });
});

describe("AppError", () => {
  it("takes its status from the table", () => {
    expect(new AppError("not_found", "gone").status).toBe(404);
    expect(new AppError("import_running", "busy").status).toBe(409);
    expect(new AppError("project_path_taken", "taken").status).toBe(422);
    expect(toPublicError(new AppError("unauthenticated", "sign in"), "r1", "test")).toEqual({
      status: 401,
      body: { code: "unauthenticated", message: "sign in", details: undefined },
    });
  });

  it("turns a zod failure into invalid_request naming the fields", () => {
    const parsed = z.object({ name: z.string() }).safeParse({ name: 3 });
    const error = validationError(parsed.error!, "input");
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_request");
    expect(error.details).toEqual({ fields: [expect.stringMatching(/^name: /)] });
  });
});
