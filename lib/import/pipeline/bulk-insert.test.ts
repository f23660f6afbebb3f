import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "@/test/db";
import { db } from "@/lib/db";
import { insertAllMissing, insertMissing, type Columns } from "./bulk-insert";

type Row = { iid: number; title: string; state: "opened" | "merged"; mergedAt: Date | null; sourceAuthor: object | null; draft: boolean };

let projectId: number;
let authorId: string;

const columns = (): Columns<Row> => ({
  project_id: { type: "integer", value: () => projectId },
  iid: { type: "integer", value: (row) => row.iid },
  title: { type: "text", value: (row) => row.title },
  state: { type: { enum: "MergeRequestState" }, value: (row) => row.state },
  draft: { type: "boolean", value: (row) => row.draft },
  source_branch: { type: "text", value: () => "feature" },
  target_branch: { type: "text", value: () => "main" },
  author_id: { type: "text", value: () => authorId },
  merged_at: { type: "timestamp", value: (row) => row.mergedAt },
  created_at: { type: "timestamp", value: () => new Date("2024-04-10T11:00:00.123Z") },
  updated_at: { type: "timestamp", value: () => new Date("2024-04-15T09:12:30.456Z") },
  source_author: { type: "jsonb", value: (row) => row.sourceAuthor },
});

beforeEach(async () => {
  await resetDatabase();
  const user = await db.user.create({ data: { username: "alice", name: "Alice" } });
  const namespace = await db.namespace.create({ data: { kind: "user", name: "alice", path: "alice", fullPath: "alice", ownerId: user.id } });
  const project = await db.project.create({ data: { namespaceId: namespace.id, name: "p", path: "p", fullPath: "alice/p", creatorId: user.id } });
  projectId = project.id;
  authorId = user.id;
});

describe("insertMissing", () => {
  it("writes rows with their types as Prisma reads them back (times in UTC, enums, JSON, SQL NULL for null)", async () => {
    const inserted = await insertMissing(db, "merge_requests", columns(), [
      { iid: 1, title: "Quote ' and \\ and \u00e9 and 🚀", state: "merged", mergedAt: new Date("2024-04-15T09:12:00.789Z"), sourceAuthor: { username: "carol", nested: [1, null] }, draft: false },
      { iid: 2, title: "Second", state: "opened", mergedAt: null, sourceAuthor: null, draft: true },
    ]);
    expect(inserted).toBe(2);
    const [first, second] = await db.mergeRequest.findMany({ where: { projectId }, orderBy: { iid: "asc" } });
    expect(first).toMatchObject({ title: "Quote ' and \\ and \u00e9 and 🚀", state: "merged", draft: false, sourceAuthor: { username: "carol", nested: [1, null] } });
    expect(first!.mergedAt!.toISOString()).toBe("2024-04-15T09:12:00.789Z");
    expect(first!.createdAt.toISOString()).toBe("2024-04-10T11:00:00.123Z");
    expect(second).toMatchObject({ state: "opened", draft: true, mergedAt: null, sourceAuthor: null });
    // A real SQL NULL, not a JSON null.
    const [{ nulls }] = await db.$queryRaw<[{ nulls: bigint }]>`SELECT count(*) AS nulls FROM merge_requests WHERE source_author IS NULL`;
    expect(Number(nulls)).toBe(1);
  });

  it("skips rows whose unique key exists, so a re-run inserts only what is missing", async () => {
    const row = (iid: number): Row => ({ iid, title: `#${iid}`, state: "opened", mergedAt: null, sourceAuthor: null, draft: false });
    expect(await insertMissing(db, "merge_requests", columns(), [row(1), row(2)])).toBe(2);
    expect(await insertMissing(db, "merge_requests", columns(), [row(1), row(2), row(3)])).toBe(1);
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(3);
  });

  it("splits large batches into several statements, all or none inside a transaction", async () => {
    const rows = Array.from({ length: 2_500 }, (_, index): Row => ({ iid: index + 1, title: `#${index + 1}`, state: "opened", mergedAt: null, sourceAuthor: null, draft: false }));
    expect(await db.$transaction((tx) => insertMissing(tx, "merge_requests", columns(), rows))).toBe(2_500);
    const broken = [...rows.map((row) => ({ ...row, iid: row.iid + 10_000 })), { ...rows[0]!, iid: 20_000, title: null as unknown as string }];
    await expect(db.$transaction((tx) => insertMissing(tx, "merge_requests", columns(), broken))).rejects.toThrow();
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(2_500);
  });

  it("on a connection of its own (insertAllMissing): the same rows as Prisma reads them back, several statements all or none, a re-run inserting only what is missing", async () => {
    const rows = Array.from({ length: 2_500 }, (_, index): Row => ({ iid: index + 1, title: index === 0 ? "Quote ' and \u00e9 and 🚀" : `#${index + 1}`, state: "merged", mergedAt: new Date("2024-04-15T09:12:00.789Z"), sourceAuthor: { username: "carol" }, draft: false }));
    const broken = [...rows.map((row) => ({ ...row, iid: row.iid + 10_000 })), { ...rows[0]!, iid: 20_000, title: null as unknown as string }];
    await expect(insertAllMissing("merge_requests", columns(), broken)).rejects.toThrow();
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(0);
    expect(await insertAllMissing("merge_requests", columns(), rows)).toBe(2_500);
    expect(await insertAllMissing("merge_requests", columns(), [...rows.slice(0, 10), { ...rows[0]!, iid: 2_501 }])).toBe(1);
    const first = await db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId, iid: 1 } } });
    expect(first).toMatchObject({ title: "Quote ' and \u00e9 and 🚀", state: "merged", sourceAuthor: { username: "carol" } });
    expect(first.mergedAt!.toISOString()).toBe("2024-04-15T09:12:00.789Z");
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(2_501);
  });

  it("refuses names that are not plain identifiers", async () => {
    await expect(insertMissing(db, 'merge_requests"; DROP TABLE notes; --', columns(), [{ iid: 1, title: "x", state: "opened", mergedAt: null, sourceAuthor: null, draft: false }])).rejects.toThrow(/identifier/);
  });
});
