/**
 * The Bitbucket Server sandbox's in-memory state: users, projects, repositories with their
 * content (generated on first use), fault knobs and the request log. One state can back the msw
 * handlers and the HTTP server at the same time.
 */
import { z } from "zod";
import { envNumber, templateOf, type RouteTemplates } from "../common/request-log";
import { SeededKnobs } from "../common/random";
import { KnobbedState, type SandboxStateBaseOptions } from "../common/sandbox-state";
import { applyServerChanges, type AppliedChange, type ServerChange } from "./changes";
import { DEFAULT_BENCH, generateContent, type BenchSizes } from "./generate";
import type { RepositoryContent, ServerProject, ServerRepository, ServerUser } from "./model";
import { BENCH_PROJECT_RECORD, BENCH_REPOSITORY_RECORD, FIXED_REPOSITORIES, SERVER_PROJECTS, SERVER_USER_LIST, SHOWCASE_REPOSITORY, generatedRepositories } from "./seed";
import { showcaseContent } from "./showcase";

export const knobsSchema = z.object({
  /** Added to every REST request. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share (0..1) of REST requests answered 500/502/503. */
  error5xxRatio: z.number().min(0).max(1),
  /** Share (0..1) of REST requests answered 429 with Retry-After. */
  rateLimitRatio: z.number().min(0).max(1),
  /** Retry-After (seconds) of 429 answers. */
  retryAfterSeconds: z.number().int().min(0),
  /** The largest `limit` the server accepts (larger ones are clamped, as Bitbucket Server does). */
  maxLimit: z.number().int().min(1),
  seed: z.number().int(),
});

export type ServerKnobs = z.infer<typeof knobsSchema>;

export const DEFAULT_KNOBS: ServerKnobs = { latencyMs: 0, error5xxRatio: 0, rateLimitRatio: 0, retryAfterSeconds: 1, maxLimit: 1000, seed: 1 };

export interface ServerStateOptions extends SandboxStateBaseOptions<ServerKnobs> {
  /** Generated repositories besides the fixed ones (default 12). */
  repositories?: number;
  /** Adds project BENCH with BENCH/big-repo; `true` uses DEFAULT_BENCH. */
  bench?: boolean | Partial<BenchSizes>;
}

const TEMPLATES: RouteTemplates = [
  [/^\/rest\/api\/1\.0\/projects\/[^/]+\/repos\/[^/]+\/pull-requests\/\d+\/([a-z-]+)$/, "/rest/api/1.0/projects/{key}/repos/{slug}/pull-requests/{id}/$1"],
  [/^\/rest\/api\/1\.0\/projects\/[^/]+\/repos\/[^/]+\/pull-requests\/\d+$/, "/rest/api/1.0/projects/{key}/repos/{slug}/pull-requests/{id}"],
  [/^\/rest\/api\/1\.0\/projects\/[^/]+\/repos\/[^/]+\/([a-z-]+(?:\/default)?)$/, "/rest/api/1.0/projects/{key}/repos/{slug}/$1"],
  [/^\/rest\/api\/1\.0\/projects\/[^/]+\/repos\/[^/]+$/, "/rest/api/1.0/projects/{key}/repos/{slug}"],
  [/^\/rest\/api\/1\.0\/projects\/[^/]+\/repos$/, "/rest/api/1.0/projects/{key}/repos"],
  [/^\/rest\/api\/1\.0\/projects\/[^/]+$/, "/rest/api/1.0/projects/{key}"],
  [/^\/rest\/api\/1\.0\/users\/[^/]+$/, "/rest/api/1.0/users/{slug}"],
  [/^\/scm\/[^/]+\/[^/]+?\.git\/info\/lfs\/objects\/batch$/, "/scm/{key}/{slug}.git/info/lfs/objects/batch"],
  [/^\/scm\/[^/]+\/[^/]+?\.git(\/info\/refs|\/git-upload-pack)$/, "/scm/{key}/{slug}.git$1"],
  [/^\/_lfs\/.+$/, "/_lfs/{key}/{slug}/{oid}"],
];

export function routeTemplate(path: string): string {
  return templateOf(TEMPLATES, ["/rest/api/1.0/"], path);
}

/** Options from the environment: BITBUCKET_SERVER_SANDBOX_BENCH (1, or a pull request count), _LATENCY_MS, _ERROR_5XX_RATIO, _RATE_LIMIT_RATIO. */
export function serverOptionsFromEnv(env: Record<string, string | undefined>): ServerStateOptions {
  const bench = env.BITBUCKET_SERVER_SANDBOX_BENCH;
  const knobs: Partial<ServerKnobs> = {};
  const latency = envNumber(env, "BITBUCKET_SERVER_SANDBOX_LATENCY_MS");
  if (latency !== undefined) knobs.latencyMs = latency;
  const errors = envNumber(env, "BITBUCKET_SERVER_SANDBOX_ERROR_5XX_RATIO");
  if (errors !== undefined) knobs.error5xxRatio = errors;
  const limits = envNumber(env, "BITBUCKET_SERVER_SANDBOX_RATE_LIMIT_RATIO");
  if (limits !== undefined) knobs.rateLimitRatio = limits;
  return { knobs, bench: !bench || bench === "0" ? false : bench === "1" ? true : { pullRequests: Number(bench) } };
}

export class BitbucketServerState extends KnobbedState<ServerKnobs> {
  declare readonly options: ServerStateOptions;
  readonly users: readonly ServerUser[] = SERVER_USER_LIST;
  readonly projects: readonly ServerProject[];
  readonly repositories: readonly ServerRepository[];
  readonly benchSizes: BenchSizes | null;
  private contents = new Map<number, RepositoryContent>();
  /** Changes applied per repository since it was generated (its git repository is rebuilt when this moves). */
  private revisions = new Map<number, number>();
  private clock = 0;

  constructor(options: ServerStateOptions = {}) {
    super(routeTemplate, options, new SeededKnobs((value) => knobsSchema.parse(value), (patch) => knobsSchema.partial().strict().parse(patch)));
    this.benchSizes = options.bench ? { ...DEFAULT_BENCH, ...(options.bench === true ? {} : options.bench) } : null;
    this.projects = [...SERVER_PROJECTS, ...(this.benchSizes ? [BENCH_PROJECT_RECORD] : [])];
    this.repositories = [...FIXED_REPOSITORIES, ...generatedRepositories(options.repositories ?? 12), ...(this.benchSizes ? [BENCH_REPOSITORY_RECORD] : [])];
    this.reset();
  }

  /** Knobs back to the options' values and the request log emptied; content stays (changes included). */
  reset(): void {
    this.seededKnobs.reset({ ...DEFAULT_KNOBS, ...this.options.knobs });
    this.clearRequests();
    this.clearRequestStats();
  }

  /** The fault (if any) this request draws. */
  drawFault(): "5xx" | "429" | null {
    return this.seededKnobs.drawFault([
      ["429", this.knobs.rateLimitRatio],
      ["5xx", this.knobs.error5xxRatio],
    ] as const);
  }

  logRequest(method: string, url: URL, status: number, account: string | null): void {
    this.log.record(method, url, status, account);
  }

  /** Authenticates HTTP Basic (name + token or password) or Bearer (token); null when absent, "rejected" when wrong. */
  authenticate(authorization: string | null): ServerUser | null | "rejected" {
    if (!authorization) return null;
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return this.users.find((user) => user.token === bearer[1] && user.active) ?? "rejected";
    const basic = /^Basic\s+(\S+)$/i.exec(authorization);
    if (!basic) return "rejected";
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const [name, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const user = this.users.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase() || candidate.emailAddress === name);
    return user && user.active && (secret === user.token || secret === user.password) ? user : "rejected";
  }

  user(slug: string): ServerUser | undefined {
    return this.users.find((user) => user.name.toLowerCase() === slug.toLowerCase());
  }

  project(key: string): ServerProject | undefined {
    return this.projects.find((project) => project.key.toLowerCase() === key.toLowerCase());
  }

  repository(key: string, slug: string): ServerRepository | undefined {
    return this.repositories.find((repository) => repository.projectKey.toLowerCase() === key.toLowerCase() && repository.slug.toLowerCase() === slug.toLowerCase());
  }

  canReadProject(user: ServerUser | null, project: ServerProject): boolean {
    return project.public || Boolean(user && (user.admin || project.readers.includes(user.name)));
  }

  canRead(user: ServerUser | null, repository: ServerRepository): boolean {
    const project = this.project(repository.projectKey);
    return repository.public || Boolean(project && this.canReadProject(user, project));
  }

  content(repository: ServerRepository): RepositoryContent {
    let content = this.contents.get(repository.id);
    if (!content) {
      content = this.buildContent(repository);
      this.contents.set(repository.id, content);
    }
    return content;
  }

  revision(repository: ServerRepository): number {
    return this.revisions.get(repository.id) ?? 0;
  }

  /** Applies changes made at the source after an import (see changes.ts), all or none. */
  changeRepository(repository: ServerRepository, changes: readonly ServerChange[]): AppliedChange[] {
    const result = applyServerChanges(this.content(repository), `${repository.projectKey}/${repository.slug}`, changes, () => (this.clock = Math.max(Date.now(), this.clock + 1)));
    this.contents.set(repository.id, result.content);
    this.revisions.set(repository.id, this.revision(repository) + 1);
    return result.applied;
  }

  private buildContent(repository: ServerRepository): RepositoryContent {
    const fullName = `${repository.projectKey}/${repository.slug}`;
    if (fullName === SHOWCASE_REPOSITORY || repository.origin === SHOWCASE_REPOSITORY) {
      const showcase = showcaseContent();
      return repository.projectKey === "~BOB" ? showcase.bobFork : repository.projectKey === "~CAROL" ? showcase.carolFork : showcase.showcase;
    }
    if (repository.id === BENCH_REPOSITORY_RECORD.id) return generateContent(repository, this.benchSizes!);
    return generateContent(repository, { pullRequests: repository.id % 3, maxActivities: 4 });
  }
}

export function createServerState(options: ServerStateOptions = {}): BitbucketServerState {
  return new BitbucketServerState(options);
}
