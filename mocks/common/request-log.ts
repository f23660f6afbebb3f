/**
 * A sandbox's request log (bounded, with stable indexes) and request counters by route template
 * and status, for benchmarks: cheap at any volume (one map increment per request), unlike
 * reading the log. Served by GET /_sandbox/requests and /_sandbox/stats.
 */

export type RouteTemplates = readonly (readonly [RegExp, string])[];

/**
 * The route template of a path under a table of patterns: ids and names replaced by
 * {placeholders}; paths under one of `keptPrefixes` that match nothing are kept as they are.
 */
export function templateOf(templates: RouteTemplates, keptPrefixes: readonly string[], path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  for (const [pattern, template] of templates) {
    const match = pattern.exec(trimmed);
    if (match) return template.replace("$1", match[1] ?? "");
  }
  if (keptPrefixes.some((prefix) => trimmed.startsWith(prefix))) return trimmed;
  return "(other)";
}

export interface RequestStatsSnapshot {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** "METHOD template" -> {total, statuses}, sorted by count (highest first). */
  readonly routes: readonly { readonly route: string; readonly total: number; readonly statuses: Readonly<Record<string, number>> }[];
}

export class RequestStats {
  private total = 0;
  private readonly byStatus = new Map<number, number>();
  private readonly routes = new Map<string, { total: number; statuses: Map<number, number> }>();
  private readonly templateCache = new Map<string, string>();

  constructor(private readonly routeTemplate: (path: string) => string) {}

  count(method: string, path: string, status: number): void {
    this.total++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    let template = this.templateCache.get(path);
    if (template === undefined) {
      template = this.routeTemplate(path);
      if (this.templateCache.size > 50_000) this.templateCache.clear();
      this.templateCache.set(path, template);
    }
    const key = `${method} ${template}`;
    let entry = this.routes.get(key);
    if (!entry) {
      entry = { total: 0, statuses: new Map() };
      this.routes.set(key, entry);
    }
    entry.total++;
    entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  }

  clear(): void {
    this.total = 0;
    this.byStatus.clear();
    this.routes.clear();
  }

  snapshot(): RequestStatsSnapshot {
    const statuses = (map: Map<number, number>) => Object.fromEntries([...map].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n]));
    return {
      total: this.total,
      byStatus: statuses(this.byStatus),
      routes: [...this.routes]
        .map(([route, entry]) => ({ route, total: entry.total, statuses: statuses(entry.statuses) }))
        .sort((a, b) => b.total - a.total || (a.route < b.route ? -1 : 1)),
    };
  }
}

export interface RequestLogEntry {
  /** Position in the log since it was created (survives clear()). */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly status: number;
  /** The account the request acted as (its login or nickname), or null (anonymous, invalid credentials, client-only). */
  readonly account: string | null;
  readonly at: string;
}

export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = result[key];
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

export class RequestLog {
  private log: RequestLogEntry[] = [];
  private logBase = 0;
  private readonly stats: RequestStats;

  constructor(
    routeTemplate: (path: string) => string,
    private readonly now: () => number,
    /** At most this many entries are kept (oldest dropped); the counters are unaffected. */
    private readonly limit = 200_000,
  ) {
    this.stats = new RequestStats(routeTemplate);
  }

  add(entry: Omit<RequestLogEntry, "index" | "at">): RequestLogEntry {
    const full: RequestLogEntry = { index: this.logBase + this.log.length, ...entry, at: new Date(this.now()).toISOString() };
    this.log.push(full);
    this.stats.count(entry.method, entry.path, entry.status);
    if (this.log.length > this.limit) {
      // Drop the oldest tenth at once so trimming stays cheap.
      const drop = Math.min(this.log.length, this.log.length - this.limit + Math.ceil(this.limit / 10));
      this.log = this.log.slice(drop);
      this.logBase += drop;
    }
    return full;
  }

  /** One request, from its URL. */
  record(method: string, url: URL, status: number, account: string | null): RequestLogEntry {
    return this.add({ method, path: url.pathname, query: queryObject(url.searchParams), status, account });
  }

  /** Entries with index >= since, oldest first. */
  entries(since = 0): readonly RequestLogEntry[] {
    return this.log.slice(Math.max(0, since - this.logBase));
  }

  /** Index the next logged request will get. */
  get count(): number {
    return this.logBase + this.log.length;
  }

  /** Empties the log; indexes go on from where they were. */
  clear(): void {
    this.logBase += this.log.length;
    this.log = [];
  }

  /** Back to index 0, counters cleared. */
  reset(): void {
    this.logBase = 0;
    this.log = [];
    this.stats.clear();
  }

  statsSnapshot(): RequestStatsSnapshot {
    return this.stats.snapshot();
  }

  clearStats(): void {
    this.stats.clear();
  }
}

/**
 * What every sandbox state offers about its traffic: the log and the counters (served by
 * /_sandbox/requests and /_sandbox/stats). Subclasses log through `log`.
 */
export abstract class LoggingState {
  protected readonly log: RequestLog;

  constructor(routeTemplate: (path: string) => string, limit?: number) {
    this.log = new RequestLog(routeTemplate, () => this.now(), limit);
  }

  abstract now(): number;

  /** Entries with index >= since, oldest first. */
  requests(since = 0): readonly RequestLogEntry[] {
    return this.log.entries(since);
  }

  /** Index the next logged request will get. */
  get requestCount(): number {
    return this.log.count;
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Request counters by route template and status (not cleared by clearRequests). */
  requestStats(): RequestStatsSnapshot {
    return this.log.statsSnapshot();
  }

  clearRequestStats(): void {
    this.log.clearStats();
  }
}

/** A number from the environment, undefined when unset; throws when it is not a number. */
export function envNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got '${raw}'`);
  return value;
}
