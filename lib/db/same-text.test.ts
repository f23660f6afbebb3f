import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../../test/db";
import { db, disconnectDb } from "./index";
import { sameTextIgnoringCase } from "./same-text";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("sameTextIgnoringCase", () => {
  it("matches a name in any case and treats LIKE wildcards as the characters they are", async () => {
    await db.user.create({ data: { username: "alice", email: "alice@example.com" } });
    await db.user.create({ data: { username: "a_b", email: "a_b@example.com" } });
    await db.user.create({ data: { username: "back\\slash" } });
    const find = async (name: string) =>
      (await db.user.findMany({ where: { username: sameTextIgnoringCase(name) }, select: { username: true } })).map((user) => user.username);

    expect(await find("ALICE")).toEqual(["alice"]);
    expect(await find("A_B")).toEqual(["a_b"]);
    expect(await find("BACK\\SLASH")).toEqual(["back\\slash"]);
    for (const pattern of ["al_ce", "alic%", "%ice", "%", "_____", "a%", "a\\_b", "back%"]) expect(await find(pattern)).toEqual([]);
    expect(await db.user.findFirst({ where: { email: sameTextIgnoringCase("%@example.com") } })).toBeNull();
  });
});
