import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./index";

function tempDir() {
  return mkdtempSync(path.join(tmpdir(), "ferry-config-"));
}

describe("configuration", () => {
  it("applies defaults and generates secrets into DATA_DIR once", () => {
    const dataDir = tempDir();
    const first = parseConfig({ DATA_DIR: dataDir });
    expect(first.BITBUCKET_URL).toBe("https://bitbucket.org");
    expect(first.BITBUCKET_API_URL).toBe("https://api.bitbucket.org");
    expect(first.DATABASE_URL).toBeUndefined();
    expect(Buffer.from(first.FERRY_ENCRYPTION_KEY, "base64")).toHaveLength(32);
    const file = path.join(dataDir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = parseConfig({ DATA_DIR: dataDir });
    expect(second.NEXTAUTH_SECRET).toBe(first.NEXTAUTH_SECRET);
    expect(JSON.parse(readFileSync(file, "utf8")).encryptionKey).toBe(first.FERRY_ENCRYPTION_KEY);
  });

  it("strips trailing slashes from URLs", () => {
    const parsed = parseConfig({ DATA_DIR: tempDir(), BITBUCKET_URL: "http://localhost:4010/" });
    expect(parsed.BITBUCKET_URL).toBe("http://localhost:4010");
  });

  it.each([
    ["BITBUCKET_URL", "ftp://example.com"],
    ["BITBUCKET_API_URL", "not a url"],
    ["DATABASE_URL", "mysql://localhost/x"],
    ["NEXTAUTH_SECRET", "short"],
    ["FERRY_ENCRYPTION_KEY", "dG9vLXNob3J0"],
    ["PORT", "99999"],
  ])("names %s when its value is wrong", (name, value) => {
    expect(() => parseConfig({ DATA_DIR: tempDir(), [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ DATA_DIR: tempDir(), [name]: value })).toThrow(name);
  });
});
