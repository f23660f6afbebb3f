import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadLfsObjects, lfsBatchUrl, type LfsObjectResult } from "./lfs-client";
import { listLfsPointers, parseLfsPointer } from "./lfs-pointers";
import { LfsIntegrityError, LfsStore } from "./lfs-store";
import { lfsObjectPath } from "./paths";
import { git, startTestServer, type TestServer } from "@/test/git";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "ferry-git-lfs-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const pointer = (oid: string, size: number) => `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;

describe("parseLfsPointer", () => {
  const oid = sha256("x");
  it("parses valid pointers", () => {
    expect(parseLfsPointer(pointer(oid, 1))).toEqual({ oid, size: 1 });
    expect(parseLfsPointer(`version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${oid}\noid sha256:${oid}\nsize 12345\n`)).toEqual({ oid, size: 12345 });
    expect(parseLfsPointer(`version https://hawser.github.com/spec/v1\noid sha256:${oid}\nsize 0\n`)).toEqual({ oid, size: 0 });
  });
  it("rejects everything else", () => {
    for (const text of [
      pointer(oid, 1).trimEnd(),
      pointer(oid.toUpperCase(), 1),
      pointer(oid.slice(1), 1),
      pointer(oid, -1),
      pointer(oid, 1).replace("oid sha256", "oid md5"),
      `oid sha256:${oid}\nversion https://git-lfs.github.com/spec/v1\nsize 1\n`,
      `version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:${oid}\n`,
      `version https://example.com/spec\noid sha256:${oid}\nsize 1\n`,
      `${pointer(oid, 1)}extra line\n`,
      "hello world\n",
    ]) {
      expect(parseLfsPointer(text), text).toBeNull();
    }
  });
});

describe("listLfsPointers", () => {
  it("finds each distinct pointer reachable from any ref, and nothing else", async () => {
    const tree = path.join(work, "pointers");
    await git(["init", "--quiet", "-b", "main", tree]);
    const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map((name) => sha256(`content ${name}`));
    const write = (file: string, content: string | Buffer) => writeFile(path.join(tree, file), content);
    await write("a.bin", pointer(a!, 10));
    await write("copy-of-a.bin", pointer(a!, 10));
    await write("b.psd", pointer(b!, 2_000_000));
    await write("not-a-pointer.txt", `version https://git-lfs.github.com/spec/v1\noid sha256:${"z".repeat(64)}\nsize 1\n`);
    await write("big.txt", `${pointer(c!, 1)}${"x".repeat(2000)}`);
    await write("binary.dat", randomBytes(300));
    await git(["add", "-A"], { cwd: tree });
    await git(["commit", "--quiet", "-m", "one"], { cwd: tree });
    await git(["checkout", "--quiet", "-b", "feature"], { cwd: tree });
    await write("c.bin", pointer(c!, 3));
    await git(["add", "-A"], { cwd: tree });
    await git(["commit", "--quiet", "-m", "two"], { cwd: tree });
    // Only reachable from a tag.
    await git(["checkout", "--quiet", "--detach"], { cwd: tree });
    await write("d.bin", pointer(d!, 4));
    await git(["add", "-A"], { cwd: tree });
    await git(["commit", "--quiet", "-m", "three"], { cwd: tree });
    await git(["tag", "-a", "-m", "tagged", "v1"], { cwd: tree });
    await git(["checkout", "--quiet", "main"], { cwd: tree });
    // Not reachable from any ref.
    await git(["hash-object", "-w", "--stdin"], { cwd: tree, input: pointer(e!, 5) });

    const bare = path.join(work, "pointers.git");
    await git(["clone", "--quiet", "--mirror", tree, bare]);
    await git(["--git-dir", bare, "hash-object", "-w", "--stdin"], { input: pointer(e!, 5) });
    const found = await listLfsPointers(bare);
    expect(found).toEqual(
      [
        { oid: a!, size: 10 },
        { oid: b!, size: 2_000_000 },
        { oid: c!, size: 3 },
        { oid: d!, size: 4 },
      ].sort((x, y) => x.oid.localeCompare(y.oid)),
    );
    const empty = path.join(work, "empty.git");
    await git(["init", "--bare", "--quiet", empty]);
    expect(await listLfsPointers(empty)).toEqual([]);
  });
});

describe("LfsStore", () => {
  it("stores verified objects atomically and content-addressed", async () => {
    const store = new LfsStore(path.join(work, "store1"));
    const data = randomBytes(50_000);
    const oid = sha256(data);
    expect(store.path(oid)).toBe(path.join(work, "store1", "objects", oid.slice(0, 2), oid.slice(2, 4), oid));
    expect(store.path(oid)).toBe(lfsObjectPath(oid, path.join(work, "store1")));
    expect(await store.has(oid)).toBe(false);
    expect(await store.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), oid, data.length)).toBe("stored");
    expect(await store.has(oid, data.length)).toBe(true);
    expect(await store.has(oid, 1)).toBe(false);
    expect((await readFile(store.path(oid))).equals(data)).toBe(true);
    expect(await store.put(Readable.from([data]), oid, data.length)).toBe("already-present");

    const other = randomBytes(100);
    await expect(store.put(Readable.from([other]), sha256(other), 99)).rejects.toBeInstanceOf(LfsIntegrityError);
    await expect(store.put(Readable.from([other]), sha256(other), 101)).rejects.toBeInstanceOf(LfsIntegrityError);
    await expect(store.put(Readable.from([other]), sha256("different"), 100)).rejects.toBeInstanceOf(LfsIntegrityError);
    expect(await store.has(sha256(other))).toBe(false);
    expect(await readdir(path.join(work, "store1", "tmp"))).toEqual([]);
    expect(() => store.path("../../etc/passwd")).toThrow();
  });
});

describe("downloadLfsObjects", () => {
  let lfs: TestServer;
  const contents = new Map<string, Buffer>();
  const requests: { method: string; path: string; authorization: string | null; token: string | null }[] = [];
  const make = (size: number) => {
    const data = randomBytes(size);
    const oid = sha256(data);
    contents.set(oid, data);
    return { oid, size };
  };
  const good = Array.from({ length: 6 }, (_, i) => make(1000 + i * 7919));
  const corrupt = make(500); // served with different bytes of the same size
  const short = make(800); // served truncated
  const flaky = make(600); // 500 first, then fine
  const elsewhere = make(700); // href on a host that is not allowed
  const missing = { oid: sha256("never uploaded"), size: 5 };
  let flakyFailures = 0;
  const VALID = `Basic ${Buffer.from("x-token-auth:token-2").toString("base64")}`;

  beforeAll(async () => {
    lfs = await startTestServer(async (request) => {
      const url = new URL(request.url);
      const authorization = request.headers.get("authorization");
      requests.push({ method: request.method, path: url.pathname, authorization, token: request.headers.get("x-download-token") });
      if (url.pathname === "/acme/repo.git/info/lfs/objects/batch") {
        if (authorization !== VALID) return new Response(JSON.stringify({ message: "Credentials needed" }), { status: 401 });
        const body = (await request.json()) as { operation: string; transfers: string[]; objects: { oid: string; size: number }[] };
        expect(body.operation).toBe("download");
        expect(body.transfers).toEqual(["basic"]);
        return Response.json({
          transfer: "basic",
          objects: body.objects.map(({ oid, size }) => {
            if (!contents.has(oid)) return { oid, size, error: { code: 404, message: "Object does not exist" } };
            const href = oid === elsewhere.oid ? `http://storage.invalid:9/${oid}` : `${lfs.url}/storage/${oid}`;
            return { oid, size, actions: { download: { href, header: { "X-Download-Token": `t-${oid.slice(0, 8)}` }, expires_in: 3600 } } };
          }),
        });
      }
      const match = /^\/storage\/([0-9a-f]{64})$/.exec(url.pathname);
      if (match) {
        const oid = match[1]!;
        if (request.headers.get("x-download-token") !== `t-${oid.slice(0, 8)}`) return new Response("no token", { status: 403 });
        const data = contents.get(oid)!;
        if (oid === corrupt.oid) return new Response(new Uint8Array(randomBytes(data.length)));
        if (oid === short.oid) return new Response(new Uint8Array(data.subarray(0, 100)), { headers: { "Content-Type": "application/octet-stream" } });
        if (oid === flaky.oid && flakyFailures++ === 0) return new Response("try again", { status: 503 });
        return new Response(new Uint8Array(data));
      }
      return null;
    });
  });
  afterAll(async () => lfs?.close());

  it("downloads, verifies and stores objects, with a result per object", async () => {
    const store = new LfsStore(path.join(work, "store2"));
    const progress: LfsObjectResult[] = [];
    let credentialCalls = 0;
    const objects = [...good, corrupt, short, flaky, elsewhere, missing, good[0]!];
    const results = await downloadLfsObjects({
      batchUrl: lfsBatchUrl(`${lfs.url}/acme/repo.git`),
      objects,
      // The first token is stale: the batch API answers 401 and fresh credentials are fetched.
      credentials: async () => ({ username: "x-token-auth", password: `token-${++credentialCalls}` }),
      store,
      concurrency: 3,
      batchSize: 4,
      retries: 1,
      retryDelayMs: 10,
      remoteCheck: { allowedHosts: [lfs.host] },
      onObject: (result) => void progress.push(result),
    });
    const byOid = new Map(results.map((result) => [result.oid, result]));
    expect(results).toHaveLength(objects.length - 1);
    for (const object of good) expect(byOid.get(object.oid)?.status).toBe("stored");
    expect(byOid.get(flaky.oid)).toMatchObject({ status: "stored", attempts: 2 });
    expect(byOid.get(corrupt.oid)).toMatchObject({ status: "failed", attempts: 2 });
    expect(byOid.get(corrupt.oid)?.message).toMatch(/does not match/);
    expect(byOid.get(short.oid)?.status).toBe("failed");
    expect(byOid.get(short.oid)?.message).toMatch(/bytes/);
    expect(byOid.get(missing.oid)?.status).toBe("missing");
    expect(byOid.get(elsewhere.oid)?.status).toBe("failed");
    expect(byOid.get(elsewhere.oid)?.message).toMatch(/storage\.invalid:9.*not allowed.*ALLOWED_HOSTS/);
    expect(progress.map((entry) => entry.oid).sort()).toEqual(results.map((entry) => entry.oid).sort());
    expect(credentialCalls).toBe(2);

    for (const object of good) expect((await readFile(store.path(object.oid))).equals(contents.get(object.oid)!)).toBe(true);
    for (const object of [corrupt, short, elsewhere, missing]) expect(await store.has(object.oid)).toBe(false);
    expect(await readdir(path.join(work, "store2", "tmp"))).toEqual([]);
    // Credentials go to the batch endpoint's origin only with the action's own header.
    const downloads = requests.filter((entry) => entry.path.startsWith("/storage/"));
    expect(downloads.every((entry) => entry.token !== null)).toBe(true);
    expect(JSON.stringify(results)).not.toContain("token-2");

    // A second run finds everything already stored.
    const again = await downloadLfsObjects({
      batchUrl: lfsBatchUrl(`${lfs.url}/acme/repo.git`),
      objects: good,
      credentials: async () => ({ username: "x-token-auth", password: "token-2" }),
      store,
      remoteCheck: { allowedHosts: [lfs.host] },
    });
    expect(again.map((entry) => entry.status)).toEqual(good.map(() => "already-present"));
  });

  it("does not count a stored object as present unless this source's batch API offers it", async () => {
    const store = new LfsStore(path.join(work, "store-shared"));
    // Another project's private object is in the shared store; this source never had it.
    const secret = randomBytes(300);
    const secretOid = sha256(secret);
    const previousUmask = process.umask(0o022);
    await store.put(Readable.from([secret]), secretOid, secret.length).finally(() => process.umask(previousUmask));
    // Stored objects are Ferry's alone, whatever the umask.
    expect((await stat(store.path(secretOid))).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(store.path(secretOid)))).mode & 0o777).toBe(0o700);
    const before = requests.length;
    const results = await downloadLfsObjects({
      batchUrl: lfsBatchUrl(`${lfs.url}/acme/repo.git`),
      objects: [{ oid: secretOid, size: secret.length }],
      credentials: async () => ({ username: "x-token-auth", password: "token-2" }),
      store,
      remoteCheck: { allowedHosts: [lfs.host] },
    });
    expect(results).toEqual([expect.objectContaining({ oid: secretOid, status: "missing" })]);
    expect(requests.slice(before).map((entry) => entry.path)).toEqual(["/acme/repo.git/info/lfs/objects/batch"]);
  });

  it("reports every object as failed when the batch API refuses, without leaking credentials", async () => {
    const store = new LfsStore(path.join(work, "store3"));
    const results = await downloadLfsObjects({
      batchUrl: lfsBatchUrl(`${lfs.url}/acme/repo`),
      objects: good.slice(0, 2),
      credentials: async () => ({ username: "x-token-auth", password: "wrong-secret-token" }),
      store,
      retryDelayMs: 10,
      remoteCheck: { allowedHosts: [lfs.host] },
    });
    expect(results.map((entry) => entry.status)).toEqual(["failed", "failed"]);
    expect(results[0]!.message).toMatch(/HTTP 401/);
    expect(JSON.stringify(results)).not.toContain("wrong-secret-token");
  });

  it("refuses a batch URL on a host that is not allowed", async () => {
    await expect(
      downloadLfsObjects({ batchUrl: "http://169.254.169.254/x.git/info/lfs/objects/batch", objects: good, store: new LfsStore(path.join(work, "store4")), remoteCheck: { allowedHosts: [lfs.host] } }),
    ).rejects.toMatchObject({ code: "remote_not_allowed" });
  });

  it("builds batch URLs", () => {
    expect(lfsBatchUrl("https://bitbucket.org/acme/repo.git")).toBe("https://bitbucket.org/acme/repo.git/info/lfs/objects/batch");
    expect(lfsBatchUrl("https://alice@bitbucket.org/acme/repo.git")).toBe("https://bitbucket.org/acme/repo.git/info/lfs/objects/batch");
    expect(lfsBatchUrl("https://bitbucket.org/acme/repo")).toBe("https://bitbucket.org/acme/repo.git/info/lfs/objects/batch");
    expect(lfsBatchUrl("https://bitbucket.org/acme/repo.git/wiki")).toBe("https://bitbucket.org/acme/repo.git/wiki/info/lfs/objects/batch");
  });
});
