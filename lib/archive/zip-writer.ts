import { open, type FileHandle } from "node:fs/promises";
import { crc32, createDeflateRaw } from "node:zlib";

/**
 * A minimal streaming zip writer (deflate or store, data descriptors, no ZIP64), for building
 * test archives and the benchmark's large export without holding them in memory. Options let a
 * test write what an attacker would: any entry name, or sizes in the central directory that lie.
 */

export type ZipWriterEntryOptions = {
  method?: "deflate" | "store";
  /** Written to the central directory instead of the real uncompressed size (tests only). */
  declaredSize?: number;
};

type CentralRecord = { name: Buffer; crc: number; compressedSize: number; size: number; offset: number; method: number };

async function* single(data: Buffer | string): AsyncGenerator<Buffer | string> {
  yield data;
}

const DOS_DATE = ((2020 - 1980) << 9) | (3 << 5) | 1;

export class ZipWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];

  private constructor(private readonly handle: FileHandle) {}

  static async create(filePath: string): Promise<ZipWriter> {
    return new ZipWriter(await open(filePath, "w"));
  }

  private async write(data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, this.offset + written);
      written += bytesWritten;
    }
    this.offset += data.length;
  }

  async addFile(name: string, data: Buffer | string | AsyncIterable<Buffer | string>, options: ZipWriterEntryOptions = {}): Promise<void> {
    const method = options.method === "store" ? 0 : 8;
    const nameBytes = Buffer.from(name, "utf8");
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0008 | 0x0800, 6); // data descriptor, UTF-8 names
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    await this.write(Buffer.concat([header, nameBytes]));

    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const source = typeof data === "string" || Buffer.isBuffer(data) ? single(data) : data;
    if (method === 0) {
      for await (const piece of source) {
        const chunk = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
        crc = crc32(chunk, crc);
        size += chunk.length;
        compressedSize += chunk.length;
        await this.write(chunk);
      }
    } else {
      const deflate = createDeflateRaw({ level: 6 });
      const output: Buffer[] = [];
      let outputBytes = 0;
      deflate.on("data", (chunk: Buffer) => {
        output.push(chunk);
        outputBytes += chunk.length;
      });
      const drain = async () => {
        if (outputBytes === 0) return;
        const joined = Buffer.concat(output, outputBytes);
        output.length = 0;
        outputBytes = 0;
        compressedSize += joined.length;
        await this.write(joined);
      };
      for await (const piece of source) {
        const chunk = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
        crc = crc32(chunk, crc);
        size += chunk.length;
        await new Promise<void>((resolve, reject) => deflate.write(chunk, (error) => (error ? reject(error) : resolve())));
        if (outputBytes > 1024 * 1024) await drain();
      }
      await new Promise<void>((resolve, reject) => {
        deflate.once("end", resolve);
        deflate.once("error", reject);
        deflate.end();
      });
      await drain();
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressedSize, 8);
    descriptor.writeUInt32LE(options.declaredSize ?? size, 12);
    await this.write(descriptor);
    this.records.push({ name: nameBytes, crc: crc >>> 0, compressedSize, size: options.declaredSize ?? size, offset, method });
  }

  async close(): Promise<void> {
    const start = this.offset;
    for (const record of this.records) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0x0008 | 0x0800, 8);
      central.writeUInt16LE(record.method, 10);
      central.writeUInt16LE(0, 12);
      central.writeUInt16LE(DOS_DATE, 14);
      central.writeUInt32LE(record.crc, 16);
      central.writeUInt32LE(record.compressedSize, 20);
      central.writeUInt32LE(record.size, 24);
      central.writeUInt16LE(record.name.length, 28);
      central.writeUInt32LE(record.offset, 42);
      await this.write(Buffer.concat([central, record.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.records.length, 8);
    end.writeUInt16LE(this.records.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    await this.handle.close();
  }
}

/** Writes a zip of `files` (name → content) at `filePath`. */
export async function writeZip(filePath: string, files: Record<string, Buffer | string>, options: ZipWriterEntryOptions = {}): Promise<void> {
  const writer = await ZipWriter.create(filePath);
  for (const [name, content] of Object.entries(files)) await writer.addFile(name, content, options);
  await writer.close();
}
