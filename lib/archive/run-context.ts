import { db, type Prisma } from "@/lib/db";
import type { MessageSeverity } from "@/lib/generated/prisma/enums";
import type { UserMapping } from "@/lib/settings";

/**
 * What an archive import (issues or wiki) sees of its job: the project, the uploaded file, a
 * cancel checkpoint, progress, and messages. `JobRun` keeps these in the ArchiveImportJob row;
 * messages are capped per code so a huge archive with a recurring problem stays readable.
 */

export class ArchiveCanceled extends Error {
  constructor() {
    super("The import was canceled");
    this.name = "ArchiveCanceled";
  }
}

export type ArchiveRunContext = {
  jobId: number;
  project: { id: number; fullPath: string; importUrl: string | null; namespaceId: number };
  /** The user who started the import (the author of unmapped contributions). */
  userId: string;
  /** How unmapped source users are recorded: attribution, or placeholder users. */
  userMapping: UserMapping;
  /** Absolute path of the uploaded archive or bundle (null for a wiki from a URL). */
  filePath: string;
  /** A private scratch directory for this run, removed afterwards. */
  workDirectory: string;
  /** Throws ArchiveCanceled once a cancel was requested. */
  checkpoint(): Promise<void>;
  /** Records progress (0–100) and counts; written at most about once a second unless `force`. */
  progress(percent: number, counts: unknown, force?: boolean): Promise<void>;
  message(severity: MessageSeverity, code: string, message: string): void;
  /** Something was written to the project: a later fatal error makes the job "aborted", not "failed". */
  markWritten(): void;
  /** Logs an unexpected error with the job's id (server log only). */
  log(what: string, error: unknown): void;
};

const MESSAGES_PER_CODE = 100;
const PROGRESS_INTERVAL_MS = 1000;
const CANCEL_CHECK_MS = 200;

export class JobRun implements ArchiveRunContext {
  private lastProgressAt = 0;
  private lastCancelCheck = 0;
  private written = false;
  private readonly pending: Array<{ severity: MessageSeverity; message: string }> = [];
  private readonly perCode = new Map<string, number>();
  private percent = 0;
  private counts: unknown = {};

  constructor(
    readonly jobId: number,
    readonly project: ArchiveRunContext["project"],
    readonly userId: string,
    readonly filePath: string,
    readonly workDirectory: string,
    readonly userMapping: UserMapping = "attribution",
  ) {}

  get wroteSomething(): boolean {
    return this.written;
  }

  markWritten(): void {
    this.written = true;
  }

  async checkpoint(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCancelCheck < CANCEL_CHECK_MS) return;
    this.lastCancelCheck = now;
    const row = await db.archiveImportJob.findUnique({ where: { id: this.jobId }, select: { cancelRequestedAt: true, state: true } });
    if (!row || row.cancelRequestedAt || row.state === "canceled") throw new ArchiveCanceled();
  }

  message(severity: MessageSeverity, code: string, message: string): void {
    const count = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, count);
    if (count <= MESSAGES_PER_CODE) this.pending.push({ severity, message });
  }

  async progress(percent: number, counts: unknown, force = false): Promise<void> {
    this.percent = Math.max(0, Math.min(100, Math.floor(percent)));
    this.counts = counts;
    if (!force && Date.now() - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    await this.flush();
  }

  /** Writes progress, counts and pending messages. */
  async flush(): Promise<void> {
    this.lastProgressAt = Date.now();
    const messages = this.pending.splice(0);
    await db.$transaction([
      db.archiveImportJob.update({
        where: { id: this.jobId },
        data: { progress: this.percent, counts: this.counts as Prisma.InputJsonValue, updatedAt: new Date() },
      }),
      db.archiveImportMessage.createMany({ data: messages.map((entry) => ({ jobId: this.jobId, ...entry })) }),
    ]);
  }

  /** One "… and N more" line per code that went over the cap. */
  summarizeCappedMessages(): void {
    for (const [code, count] of this.perCode) {
      if (count > MESSAGES_PER_CODE) this.pending.push({ severity: "warning", message: `…and ${count - MESSAGES_PER_CODE} more messages like the ones above (${code}).` });
    }
  }

  log(what: string, error: unknown): void {
    console.error(`[archive-import] job ${this.jobId}: ${what}`, error);
  }
}
