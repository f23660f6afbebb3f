import { describe, expect, it } from "vitest";
import { readJsonRecords, type JsonRecordEvent } from "./json-records";

async function collect(text: string | string[], options: { maxRecordChars?: number } = {}): Promise<JsonRecordEvent[]> {
  const pieces = Array.isArray(text) ? text : [text];
  async function* chunks() {
    for (const piece of pieces) yield Buffer.from(piece, "utf8");
  }
  const events: JsonRecordEvent[] = [];
  for await (const event of readJsonRecords(chunks(), options)) events.push(event);
  return events;
}

/** Splits text into pieces of `size` bytes (cutting through multi-byte characters on purpose). */
function bytePieces(text: string, size: number): string[] {
  const bytes = Buffer.from(text, "utf8");
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return pieces as unknown as string[];
}

describe("readJsonRecords", () => {
  it("yields each element of top-level arrays and other top-level values", async () => {
    const events = await collect(JSON.stringify({ meta: { a: 1 }, issues: [{ id: 1 }, { id: 2, title: "x]}\"{" }], logs: [], n: 5 }));
    expect(events).toEqual([
      { type: "value", key: "meta", value: { a: 1 } },
      { type: "record", key: "issues", index: 0, value: { id: 1 } },
      { type: "record", key: "issues", index: 1, value: { id: 2, title: 'x]}"{' } },
      { type: "value", key: "n", value: 5 },
    ]);
  });

  it("gives the same result however the bytes are split, multi-byte characters included", async () => {
    const document = JSON.stringify({ issues: [{ id: 1, title: "Хочется видеть всё — ✓" }, 7, "s", null, [1, [2]]], meta: {} });
    const whole = await collect(document);
    for (const size of [1, 2, 3, 7]) {
      async function* chunks() {
        for (const piece of bytePieces(document, size)) yield piece as unknown as Buffer;
      }
      const events: JsonRecordEvent[] = [];
      for await (const event of readJsonRecords(chunks())) events.push(event);
      expect(events).toEqual(whole);
    }
    expect(whole.filter((event) => event.type === "record")).toHaveLength(5);
  });

  it("skips a malformed record with a reason and carries on with the next one", async () => {
    const events = await collect('{"issues": [{"id": 1}, {"id": 2 "title": "oops"}, {"id": 3}], "comments": [{"id": 9}]}');
    expect(events.map((event) => event.type)).toEqual(["record", "skipped", "record", "record"]);
    const skipped = events[1] as Extract<JsonRecordEvent, { type: "skipped" }>;
    expect(skipped.key).toBe("issues");
    expect(skipped.index).toBe(1);
    expect(skipped.excerpt).toContain('"title": "oops"');
    expect(events[2]).toMatchObject({ type: "record", index: 2, value: { id: 3 } });
  });

  it("recovers from bare garbage and an extra closing brace between records", async () => {
    const events = await collect('{"issues": [{"id": 1}}, nonsense, {"id": 2}]}');
    expect(events.filter((event) => event.type === "record").map((event) => (event as { value: { id: number } }).value.id)).toEqual([1, 2]);
    expect(events.filter((event) => event.type === "skipped").length).toBeGreaterThanOrEqual(1);
  });

  it("reports a truncated document after yielding what came before", async () => {
    const events = await collect('{"issues": [{"id": 1}, {"id": 2}, {"id": 3, "title": "cut');
    expect(events.slice(0, 2)).toEqual([
      { type: "record", key: "issues", index: 0, value: { id: 1 } },
      { type: "record", key: "issues", index: 1, value: { id: 2 } },
    ]);
    expect(events[2]).toEqual({ type: "truncated", key: "issues", index: 2 });
  });

  it("calls a document that is not an object invalid, and an empty one too", async () => {
    expect(await collect("[1, 2]")).toEqual([{ type: "invalid", reason: expect.stringContaining("does not start with a JSON object") }]);
    expect(await collect("  ")).toEqual([{ type: "invalid", reason: "the file is empty" }]);
  });

  it("skips a record larger than the limit without keeping it", async () => {
    const events = await collect(JSON.stringify({ issues: [{ id: 1, content: "x".repeat(500) }, { id: 2 }] }), { maxRecordChars: 100 });
    expect(events[0]).toMatchObject({ type: "skipped", key: "issues", index: 0, reason: "larger than 100 characters" });
    expect(events[1]).toMatchObject({ type: "record", index: 1, value: { id: 2 } });
  });

  it("accepts a byte order mark", async () => {
    expect(await collect('\ufeff{"issues": [1]}')).toEqual([{ type: "record", key: "issues", index: 0, value: 1 }]);
  });
});
