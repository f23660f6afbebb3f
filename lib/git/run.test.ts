import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError, redact } from "./errors";
import { fetchRepository } from "./repository";
import { gitEnvironment, runGit, spawnGit } from "./run";
import { startTestServer, unexpected } from "@/test/git";

let work: string;
const SECRET = "sEcReT-t0ken-value-123456";
const BASIC = Buffer.from(`x-token-auth:${SECRET}`).toString("base64");

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "ferry-git-run-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Running (a killed process that its new parent has not reaped yet is a zombie: not alive). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return stat !== "" && state !== "Z" && state !== "X";
}

describe("runGit", () => {
  it("returns output and raises GitError with exit code and stderr", async () => {
    const { stdout } = await runGit(["--version"]);
    expect(stdout).toMatch(/^git version /);
    const error = await runGit(["rev-parse", "HEAD"], { cwd: work }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).exitCode).toBe(128);
    expect((error as GitError).stderr).toMatch(/not a git repository/);
    const allowed = await runGit(["rev-parse", "HEAD"], { cwd: work, allowExitCodes: [128] });
    expect(allowed.exitCode).toBe(128);
  });

  it("caps buffered output", async () => {
    const error = await runGit(["help", "-a"], { maxOutputBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).reason).toBe("output_limit");
  });

  it("streams output", async () => {
    const child = spawnGit(["help", "-a"]);
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => (size += chunk.length));
    await child.done;
    expect(size).toBeGreaterThan(1000);
  });

  it("kills the whole process group on timeout and on abort", async () => {
    const pidFile = path.join(work, "bg.pid");
    const started = Date.now();
    const error = await runGit(["slow"], {
      cwd: work,
      timeoutMs: 700,
      config: { "alias.slow": `!sleep 30 & echo $! > ${pidFile}; sleep 30` },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await alive(pid)).toBe(false);

    const controller = new AbortController();
    const running = runGit(["slow"], { cwd: work, signal: controller.signal, config: { "alias.slow": "!sleep 30" } });
    setTimeout(() => controller.abort(), 200);
    const aborted = await running.catch((e: unknown) => e);
    expect((aborted as GitError).reason).toBe("aborted");
  });

  it("never lets callers weaken the safety configuration", () => {
    const env = gitEnvironment({ env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "protocol.allow", GIT_CONFIG_VALUE_0: "always", GIT_TRACE_CURL: "1", GIT_ASKPASS: "/bin/evil" } });
    expect(env.GIT_TRACE_CURL).toBeUndefined();
    expect(env.GIT_ASKPASS).toBe("");
    expect(env.GIT_TERMINAL_PROMPT).toBe("0");
    expect(env.GIT_CONFIG_NOSYSTEM).toBe("1");
    const pairs = Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]);
    expect(pairs).toContainEqual(["protocol.allow", "never"]);
    expect(pairs).not.toContainEqual(["protocol.allow", "always"]);
    for (const key of ["protocol.file.allow", "credential.helper", "http.extraHeader", "http.https://x/.extraheader", "core.hooksPath", "http.followRedirects"]) {
      expect(() => gitEnvironment({ config: { [key]: "x" } })).toThrow(/cannot be set/);
    }
  });

  it("refuses file, ext and ssh transports", async () => {
    for (const url of ["ext::sh -c touch% /tmp/ferry-pwned", work, `file://${work}`, "ssh://git@127.0.0.1/x.git"]) {
      const error = (await runGit(["ls-remote", "--", url], { cwd: work }).catch((e: unknown) => e)) as GitError;
      expect(error).toBeInstanceOf(GitError);
      expect(error.stderr).toMatch(/transport '\w+' not allowed/);
    }
    expect(existsSync("/tmp/ferry-pwned")).toBe(false);
  });
});

describe("credentials", () => {
  it("go through GIT_CONFIG_* only, never argv, and are redacted from errors", async () => {
    // A fake git that records its argv and environment and prints the credentials on stderr.
    const fake = path.join(work, "fakebin");
    await rm(fake, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(fake));
    const script = path.join(fake, "git");
    await writeFile(
      script,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "$FAKE_OUT/argv"\nenv > "$FAKE_OUT/env"\n` +
        `echo "fatal: Authentication failed for 'http://x-token-auth:${SECRET}@bitbucket.example/a.git' (Authorization: Basic ${BASIC})" >&2\nexit 128\n`,
    );
    await chmod(script, 0o755);
    const error = (await runGit(["fetch", "--", "http://bitbucket.example/a.git"], {
      env: { PATH: `${fake}:${process.env.PATH}`, FAKE_OUT: work },
      credentials: { username: "x-token-auth", password: SECRET, url: "http://bitbucket.example/a.git" },
    }).catch((e: unknown) => e)) as GitError;
    const argv = await readFile(path.join(work, "argv"), "utf8");
    const env = await readFile(path.join(work, "env"), "utf8");
    expect(argv).not.toContain(SECRET);
    expect(argv).not.toContain(BASIC);
    expect(env).toContain(`=Authorization: Basic ${BASIC}`);
    expect(env).toContain("GIT_CONFIG_KEY_");
    expect(env).toContain("http.http://bitbucket.example/a.git.extraHeader");
    expect(error).toBeInstanceOf(GitError);
    for (const text of [error.message, error.stderr, JSON.stringify(error.args)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(BASIC);
    }
    expect(error.message).toContain("Authentication failed");
  });

  it("are not visible in any process's command line during a real fetch, and a 401 retries once with fresh ones", async () => {
    const seen: (string | null)[] = [];
    const cmdlines: string[] = [];
    const server = await startTestServer(async (request) => {
      seen.push(request.headers.get("authorization"));
      // While git waits for this answer, look at every process's argv.
      for (const pid of await readdir("/proc").catch(() => [] as string[])) {
        if (!/^\d+$/.test(pid)) continue;
        const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
        if (cmdline.includes("git")) cmdlines.push(cmdline.replace(/\0/g, " "));
      }
      return new Response("no\n", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="test"' } });
    });
    try {
      let calls = 0;
      const error = await fetchRepository({
        repoPath: path.join(work, "cred.git"),
        remoteUrl: `${server.url}/team/repo.git`,
        credentials: async () => ({ username: "x-token-auth", password: `${SECRET}-${++calls}` }),
        remoteCheck: { allowedHosts: [server.host] },
      }).then(unexpected, (e: unknown) => e as Error);
      expect(calls).toBe(2);
      expect(seen).toContain(`Basic ${Buffer.from(`x-token-auth:${SECRET}-1`).toString("base64")}`);
      expect(seen).toContain(`Basic ${Buffer.from(`x-token-auth:${SECRET}-2`).toString("base64")}`);
      expect(cmdlines.some((line) => line.includes("remote-http") || line.includes("fetch"))).toBe(true);
      for (const line of cmdlines) expect(line).not.toContain(SECRET);
      expect((error as { code?: string }).code).toBe("remote_auth_failed");
      expect(error.message).not.toContain(SECRET);
      expect(JSON.stringify((error.cause as GitError).stderr)).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  });

  it("redact() removes secrets in several forms", () => {
    const text = `https://user:${SECRET}@host/x Authorization: Basic ${BASIC} ${encodeURIComponent(SECRET)}`;
    const cleaned = redact(text, [SECRET]);
    expect(cleaned).not.toContain(SECRET);
    expect(cleaned).not.toContain(BASIC);
    expect(cleaned).toContain("https://***@host/x");
  });
});
