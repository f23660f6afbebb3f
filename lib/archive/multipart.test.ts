import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { multipartBoundary, readMultipart, readTextPart } from "./multipart";

async function* pieces(body: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function encode(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const request = new Request("http://localhost/", { method: "POST", body: form });
  const boundary = multipartBoundary(request.headers.get("content-type"))!;
  return { body: Buffer.from(await request.arrayBuffer()), boundary };
}

describe("readMultipart", () => {
  it("streams file parts and reads text parts, however the body is split", async () => {
    const file = Buffer.alloc(70_000);
    for (let i = 0; i < file.length; i++) file[i] = (i * 31) % 256;
    const form = new FormData();
    form.set("url", "https://example.com/wiki.git");
    form.set("file", new Blob([file]), "export (1).zip");
    form.set("after", "tail");
    const { body, boundary } = await encode(form);
    for (const size of [1, 7, 64, 4096, body.length]) {
      const seen: Record<string, string | Buffer> = {};
      for await (const part of readMultipart(pieces(body, size), boundary)) {
        if (part.fileName !== null) {
          const chunks: Buffer[] = [];
          for await (const chunk of part.body) chunks.push(chunk);
          seen[`${part.name}:${part.fileName}`] = Buffer.concat(chunks);
        } else {
          seen[part.name] = await readTextPart(part);
        }
      }
      expect(seen.url).toBe("https://example.com/wiki.git");
      expect(seen.after).toBe("tail");
      expect((seen["file:export (1).zip"] as Buffer).equals(file)).toBe(true);
    }
  });

  it("skips parts the reader leaves unread", async () => {
    const form = new FormData();
    form.set("ignored", new Blob([Buffer.alloc(10_000, 1)]), "big.bin");
    form.set("name", "value");
    const { body, boundary } = await encode(form);
    const names: string[] = [];
    for await (const part of readMultipart(pieces(body, 333), boundary)) {
      names.push(part.name);
      if (part.name === "name") expect(await readTextPart(part)).toBe("value");
    }
    expect(names).toEqual(["ignored", "name"]);
  });

  it("refuses a body cut off inside a part, and one without its boundary", async () => {
    const form = new FormData();
    form.set("file", new Blob([Buffer.alloc(5000, 2)]), "a.zip");
    const { body, boundary } = await encode(form);
    const read = async (bytes: Buffer, withBoundary: string) => {
      for await (const part of readMultipart(pieces(bytes, 1000), withBoundary)) for await (const chunk of part.body) void chunk;
    };
    await expect(read(body.subarray(0, 3000), boundary)).rejects.toBeInstanceOf(AppError);
    await expect(read(body, "not-the-boundary")).rejects.toMatchObject({ code: "invalid_multipart" });
  });

  it("finds the boundary in the content type", () => {
    expect(multipartBoundary("multipart/form-data; boundary=----abc")).toBe("----abc");
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("application/json")).toBeNull();
  });

  it("limits text fields", async () => {
    const form = new FormData();
    form.set("url", "x".repeat(100));
    const { body, boundary } = await encode(form);
    for await (const part of readMultipart(pieces(body, 50), boundary)) await expect(readTextPart(part, 10)).rejects.toMatchObject({ code: "field_too_large" });
  });

  it("refuses more than 100 parts", async () => {
    const form = new FormData();
    for (let i = 0; i < 101; i++) form.append(`field${i}`, "x");
    const { body, boundary } = await encode(form);
    const read = async () => {
      for await (const part of readMultipart(pieces(body, 4096), boundary)) await readTextPart(part);
    };
    await expect(read()).rejects.toMatchObject({ code: "invalid_multipart", status: 400 });
  });
});
