import { describe, expect, it } from "vitest";
import { uniqueUsername } from "./usernames";

describe("uniqueUsername", () => {
  it("derives a valid path from the nickname", async () => {
    expect(await uniqueUsername("Alice Anders", async () => false)).toBe("Alice-Anders");
  });

  it("adds a number until the name is free, case-insensitively", async () => {
    const taken = new Set(["alice", "alice1"]);
    expect(await uniqueUsername("ALICE", async (candidate) => taken.has(candidate.toLowerCase()))).toBe("ALICE2");
  });

  it("avoids names reserved for routes", async () => {
    expect(await uniqueUsername("api", async () => false)).toBe("api-user");
  });
});
