import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../../test/db";
import { db, disconnectDb, NamespaceKind, Prisma, Role } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("db", () => {
  it("reads and writes the test database", async () => {
    const user = await db.user.create({ data: { username: "ada", email: "ada@example.com" } });
    expect(user.number).toBe(1);
    const namespace = await db.namespace.create({
      data: { kind: NamespaceKind.user, name: "ada", path: "ada", fullPath: "ada", ownerId: user.id },
    });
    await db.membership.create({ data: { userId: user.id, namespaceId: namespace.id, role: Role.owner } });

    const loaded = await db.user.findUniqueOrThrow({ where: { username: "ada" }, include: { memberships: true, personalNamespace: true } });
    expect(loaded.memberships).toEqual([expect.objectContaining({ role: "owner", namespaceId: namespace.id })]);
    expect(loaded.personalNamespace?.fullPath).toBe("ada");
  });

  it("starts every test from empty tables with restarted sequences", async () => {
    expect(await db.user.count()).toBe(0);
    const user = await db.user.create({ data: { username: "grace" } });
    expect(user.number).toBe(1);
  });

  it("raises Prisma's known errors, e.g. unique violations", async () => {
    await db.user.create({ data: { username: "linus" } });
    const error: unknown = await db.user.create({ data: { username: "linus" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
  });

  it("runs interactive transactions", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await tx.appSetting.create({ data: { key: "k", value: { on: true } } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await db.appSetting.count()).toBe(0);
  });

  it("reconnects after disconnectDb()", async () => {
    await disconnectDb();
    expect(await db.user.count()).toBe(0);
  });
});
