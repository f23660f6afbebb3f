import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";

/**
 * An append-only file of text records with their positions kept in memory, so a large export can
 * be regrouped (comments by issue…) without holding the records themselves in memory.
 */
export type SpillSlot = { offset: number; length: number };

const FLUSH_BYTES = 4 * 1024 * 1024;

export class SpillFile {
  private size = 0;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly filePath: string,
  ) {}

  static async create(directory: string, name: string): Promise<SpillFile> {
    await mkdir(directory, { recursive: true });
    const filePath = path.join(directory, name);
    return new SpillFile(await open(filePath, "w+", 0o600), filePath);
  }

  async append(text: string): Promise<SpillSlot> {
    const bytes = Buffer.from(text, "utf8");
    const slot = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes >= FLUSH_BYTES) await this.flush();
    return slot;
  }

  async flush(): Promise<void> {
    if (this.bufferedBytes === 0) return;
    const data = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, this.size - data.length + written);
      written += bytesWritten;
    }
  }

  async read(slot: SpillSlot): Promise<string> {
    if (slot.offset + slot.length > this.size - this.bufferedBytes) await this.flush();
    const buffer = Buffer.alloc(slot.length);
    let read = 0;
    while (read < slot.length) {
      const { bytesRead } = await this.handle.read(buffer, read, slot.length - read, slot.offset + read);
      if (bytesRead === 0) throw new Error("The spill file ended early");
      read += bytesRead;
    }
    return buffer.toString("utf8");
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.filePath, { force: true });
  }
}
