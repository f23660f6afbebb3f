/**
 * Recent failures by key (an account, a client address) within a sliding window. It holds at most
 * `maxKeys` keys: the key that failed least recently is forgotten first, and expired failures are
 * dropped when a key is read, so memory stays bounded whatever names and addresses are tried.
 */
export class FailureLog {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: { windowMs: number; maxKeys: number; maxPerKey: number }) {}

  /** Failure times of `key` within the window before `now`, oldest first. */
  recent(key: string, now: number): number[] {
    const recent = (this.failures.get(key) ?? []).filter((at) => now - at < this.options.windowMs);
    if (!recent.length) this.failures.delete(key);
    return recent;
  }

  record(key: string, now: number): void {
    const recent = this.recent(key, now);
    this.failures.delete(key);
    this.failures.set(key, [...recent.slice(1 - this.options.maxPerKey), now]);
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= this.options.maxKeys) break;
      this.failures.delete(oldest);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }
}
