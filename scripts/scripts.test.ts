import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const entry = path.join(dir, name);
    return statSync(entry).isDirectory() ? filesUnder(entry) : [entry];
  });
}

/** The comment lines of a shell script or a TypeScript file. */
function commentLines(file: string): string[] {
  const pattern = /\.(ts|mjs|js)$/.test(file) ? /^\s*(\/\/|\/\*|\*)/ : /^\s*#(?!!)/;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => pattern.test(line));
}

describe("CI and scripts", () => {
  it("CI installs with plain npm ci, which refuses a lock file out of step with package.json", () => {
    const commands = readFileSync(path.join(root, ".ci", "run"), "utf8")
      .split("\n")
      .filter((line) => /\bnpm (ci|install|i)\b/.test(line) && !line.trim().startsWith("#"));
    expect(commands).toEqual([expect.stringMatching(/^npm ci( --no-audit| --no-fund)*$/)]);
  });

  it("comments describe Ferry, not the machines it happens to be built on", () => {
    const files = [path.join(root, ".ci", "run"), ...filesUnder(path.join(root, "scripts")).filter((file) => !file.endsWith(".test.ts"))];
    const aboutTheBuildPlace = /\b(this|our) (workplace|machine|environment)\b|network only reaches|not reachable from where/i;
    const offending = files.flatMap((file) =>
      commentLines(file)
        .filter((line) => aboutTheBuildPlace.test(line))
        .map((line) => `${path.relative(root, file)}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });
});
