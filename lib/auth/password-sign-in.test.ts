import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/users/passwords";
import { resetDatabase } from "@/test/db";
import { clientAddressFrom, safeReturnPath, verifyLocalCredentials } from "./password-sign-in";

beforeEach(resetDatabase);

describe("safeReturnPath", () => {
  it("keeps paths on Ferry's own origin", () => {
    expect(safeReturnPath("/acme/app/-/issues?state=opened#note-1")).toBe("/acme/app/-/issues?state=opened#note-1");
    expect(safeReturnPath("/import/bitbucket")).toBe("/import/bitbucket");
  });

  it("refuses anything a browser would take to another host", () => {
    const offsite = [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "\t//evil.example",
      "/\\\\evil.example",
      "\\\\evil.example",
      "/%2F/evil.example",
      "/%2f%2fevil.example",
      "/%5C/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
    ];
    for (const value of offsite) expect([value, safeReturnPath(value, "/home")]).toEqual([value, "/home"]);
    expect(safeReturnPath(undefined, "/home")).toBe("/home");
  });
});

describe("password sign-in lockout", () => {
  async function users() {
    await db.user.create({ data: { username: "root", email: "root@example.com", isAdmin: true, passwordHash: await hashPassword("root password") } });
    await db.user.create({ data: { username: "alice", email: "alice@example.com", passwordHash: await hashPassword("alice password") } });
  }

  it("never resolves a LIKE pattern to an account", async () => {
    await users();
    for (const pattern of ["%", "r__t", "roo%", "%@example.com"]) {
      await expect(verifyLocalCredentials({ username: pattern, password: "root password", clientAddress: "192.0.2.1" })).rejects.toMatchObject({ code: "invalid_credentials" });
    }
  });

  it("counts failures against the account, whatever spelling or e-mail is typed", async () => {
    await users();
    const spellings = ["alice", "ALICE", "Alice", "@alice", "alice@example.com", "ALICE@example.com", "al_ce", "alic%", "%ice", "alice "];
    for (const [index, username] of spellings.entries()) {
      await expect(verifyLocalCredentials({ username, password: "wrong", clientAddress: `198.51.100.${index}` })).rejects.toMatchObject({ code: "invalid_credentials" });
    }
    // The three patterns did not resolve to alice: seven failures so far, three more lock the account.
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(verifyLocalCredentials({ username: "alice", password: "wrong", clientAddress: "198.51.100.20" })).rejects.toMatchObject({ code: "invalid_credentials" });
    }
    await expect(verifyLocalCredentials({ username: "Alice@Example.com", password: "alice password", clientAddress: "198.51.100.30" })).rejects.toMatchObject({ code: "too_many_attempts", status: 429 });
    expect(await verifyLocalCredentials({ username: "root", password: "root password", clientAddress: "198.51.100.30" })).toMatchObject({ username: "root" });
  });

  it("limits failures from one client address across accounts", async () => {
    await users();
    for (let attempt = 0; attempt < 50; attempt++) {
      await expect(verifyLocalCredentials({ username: `nobody${attempt}`, password: "wrong", clientAddress: "203.0.113.7" })).rejects.toMatchObject({ code: "invalid_credentials" });
    }
    await expect(verifyLocalCredentials({ username: "alice", password: "alice password", clientAddress: "203.0.113.7" })).rejects.toMatchObject({ code: "too_many_attempts" });
    expect(await verifyLocalCredentials({ username: "alice", password: "alice password", clientAddress: "203.0.113.8" })).toMatchObject({ username: "alice" });
  });

  it("takes the client address from the nearest proxy", () => {
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "10.0.0.1, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientAddressFrom(new Headers({ "x-real-ip": "203.0.113.10" }))).toBe("203.0.113.10");
    expect(clientAddressFrom(new Headers())).toBe("unknown");
  });
});
