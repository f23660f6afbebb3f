/**
 * A client of Bitbucket Server / Data Center's REST API 1.0 (`<server>/rest/api/1.0`): HTTP
 * Basic with a username and a personal access token (or password), pages at the largest limit
 * the server accepts, 429 and 5xx waited out (Retry-After), answers checked with zod.
 */
import { z } from "zod";
import {
  BitbucketResponseError,
  DEFAULT_TIMEOUT_MS,
  INTERACTIVE_RETRY,
  basicAuthorization,
  errorFromResponse,
  send,
  withRetry,
  type FetchLike,
  type RetryEvent,
  type RetryOptions,
} from "@/lib/bitbucket";

/** The largest `limit` Bitbucket Server accepts by default (`page.max.limit`); larger ones are clamped. */
export const MAX_PAGE_LIMIT = 1000;
/** A listing stops after this many pages instead of following a server that never ends. */
const MAX_PAGES = 1000;

const userSchema = z.object({
  id: z.number().int().optional(),
  name: z.string(),
  slug: z.string().optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
});
export type ServerUser = z.infer<typeof userSchema>;

const projectSchema = z.object({ key: z.string(), name: z.string().optional(), public: z.boolean().optional(), type: z.string().optional() });

const repositorySchema = z.object({
  id: z.number().int().optional(),
  slug: z.string(),
  name: z.string(),
  description: z.string().optional(),
  public: z.boolean().optional(),
  project: projectSchema,
});
export type ServerRepository = z.infer<typeof repositorySchema>;

const refSchema = z.object({
  id: z.string(),
  displayId: z.string(),
  latestCommit: z.string().nullish(),
  repository: z.object({ slug: z.string(), project: z.object({ key: z.string() }) }).nullish(),
});

const participantSchema = z.object({ user: userSchema, approved: z.boolean().optional(), status: z.string().optional() });

const pullRequestSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().optional(),
  state: z.enum(["OPEN", "MERGED", "DECLINED"]),
  draft: z.boolean().optional(),
  createdDate: z.number(),
  updatedDate: z.number(),
  closedDate: z.number().optional(),
  fromRef: refSchema,
  toRef: refSchema,
  author: participantSchema.nullish(),
  reviewers: z.array(participantSchema).default([]),
  properties: z.object({ commentCount: z.number().int().optional() }).partial().optional(),
});
export type ServerPullRequest = z.infer<typeof pullRequestSchema>;

const taskSchema = z.object({ id: z.number().int(), text: z.string(), state: z.string() });

export type ServerComment = {
  id: number;
  text: string;
  author?: ServerUser;
  createdDate: number;
  updatedDate?: number;
  comments: ServerComment[];
  tasks: Array<z.infer<typeof taskSchema>>;
};
const commentSchema: z.ZodType<ServerComment> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    text: z.string().default(""),
    author: userSchema.optional(),
    createdDate: z.number(),
    updatedDate: z.number().optional(),
    comments: z.array(commentSchema).default([]),
    tasks: z.array(taskSchema).default([]),
  }),
) as z.ZodType<ServerComment>;

const anchorSchema = z.object({
  path: z.string(),
  line: z.number().int().optional(),
  lineType: z.enum(["ADDED", "REMOVED", "CONTEXT"]).optional(),
  fileType: z.enum(["FROM", "TO"]).optional(),
  orphaned: z.boolean().optional(),
  fromHash: z.string().optional(),
  toHash: z.string().optional(),
});
export type ServerCommentAnchor = z.infer<typeof anchorSchema>;

const activitySchema = z.object({
  id: z.number().int(),
  action: z.string(),
  createdDate: z.number(),
  user: userSchema.optional(),
  comment: commentSchema.optional(),
  commentAction: z.string().optional(),
  commentAnchor: anchorSchema.optional(),
  commit: z.object({ id: z.string() }).optional(),
  fromHash: z.string().optional(),
  added: z.object({ total: z.number().int().optional() }).partial().optional(),
});
export type ServerActivity = z.infer<typeof activitySchema>;

const branchSchema = z.object({ id: z.string(), displayId: z.string() });

function pageSchema<S extends z.ZodType>(item: S) {
  return z.object({
    values: z.array(item),
    isLastPage: z.boolean(),
    nextPageStart: z.number().int().nullish(),
    start: z.number().int().optional(),
    size: z.number().int().optional(),
  });
}

export type ServerPage<T> = { values: T[]; nextPageStart: number | null };

export type BitbucketServerCredential = { username: string; token: string };

export interface BitbucketServerClientOptions {
  /** The server's base URL (e.g. https://bitbucket.example.com or https://host/bitbucket), already checked. */
  serverUrl: string;
  credential: BitbucketServerCredential;
  fetch?: FetchLike;
  retry?: Partial<RetryOptions>;
  onEvent?: (event: RetryEvent) => void;
  timeoutMs?: number;
}

export interface BitbucketServerClient {
  readonly serverUrl: string;
  repository(projectKey: string, slug: string): Promise<ServerRepository>;
  /** The default branch's name; null for an empty repository. */
  defaultBranch(projectKey: string, slug: string): Promise<string | null>;
  /** Every state; OLDEST: by creation, NEWEST: the latest update first. */
  pullRequestsPage(projectKey: string, slug: string, start: number, order: "OLDEST" | "NEWEST"): Promise<ServerPage<ServerPullRequest>>;
  /** Every activity of a pull request, newest first, at the largest page size. */
  activities(projectKey: string, slug: string, pullRequestId: number): Promise<ServerActivity[]>;
  /** Repositories the user can read, optionally filtered by name (the server's `name` filter), or one project's. */
  repositoriesPage(options: { name?: string; project?: string; start?: number; limit?: number }): Promise<ServerPage<ServerRepository>>;
  /** The authenticated user (checks the credentials). */
  user(slug: string): Promise<ServerUser>;
}

/** The base URL without a trailing slash or the REST suffix a user may have pasted. */
export function normalizeServerUrl(input: string): string {
  return input.trim().replace(/\/+$/, "").replace(/\/rest\/api\/1\.0$/, "");
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

export function createBitbucketServerClient(options: BitbucketServerClientOptions): BitbucketServerClient {
  const serverUrl = normalizeServerUrl(options.serverUrl);
  const api = `${serverUrl}/rest/api/1.0`;
  // Redirects are not followed: a redirect could lead to a host the URL check never saw.
  const fetchImpl: FetchLike = (input, init) => (options.fetch ?? globalThis.fetch)(input, { ...init, redirect: "manual" });
  const retry: RetryOptions = { ...INTERACTIVE_RETRY, ...options.retry };
  const authorization = basicAuthorization(options.credential.username, options.credential.token);

  async function get<S extends z.ZodType>(path: string, query: Record<string, string | number | undefined>, schema: S): Promise<z.output<S>> {
    const url = new URL(`${api}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const href = url.href;
    return withRetry(
      async () => {
        const response = await send(fetchImpl, { method: "GET", url: href, headers: { Accept: "application/json", Authorization: authorization }, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
        if (response.status < 200 || response.status >= 300) throw errorFromResponse({ ...response, method: "GET", url: href });
        let json: unknown;
        try {
          json = JSON.parse(response.bodyText);
        } catch {
          json = undefined;
        }
        const parsed = schema.safeParse(json);
        if (parsed.success) return parsed.data;
        throw new BitbucketResponseError({
          message: `Bitbucket Server sent an answer Ferry does not understand for GET ${url.pathname}`,
          method: "GET",
          url: href,
          status: response.status,
          issues: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
        });
      },
      retry,
      { idempotent: true, method: "GET", url: href, onRetry: options.onEvent },
    );
  }

  async function getPage<S extends z.ZodType>(path: string, query: Record<string, string | number | undefined>, item: S, start: number, limit = MAX_PAGE_LIMIT): Promise<ServerPage<z.output<S>>> {
    const page = await get(path, { ...query, start, limit }, pageSchema(item));
    return { values: page.values as z.output<S>[], nextPageStart: page.isLastPage ? null : (page.nextPageStart ?? start + page.values.length) };
  }

  const repoPath = (projectKey: string, slug: string) => `/projects/${segment(projectKey)}/repos/${segment(slug)}`;

  return {
    serverUrl,
    repository: (projectKey, slug) => get(repoPath(projectKey, slug), {}, repositorySchema),
    async defaultBranch(projectKey, slug) {
      try {
        return (await get(`${repoPath(projectKey, slug)}/default-branch`, {}, branchSchema)).displayId;
      } catch (error) {
        if ((error as { code?: string }).code === "not_found") return null;
        throw error;
      }
    },
    pullRequestsPage: (projectKey, slug, start, order) => getPage(`${repoPath(projectKey, slug)}/pull-requests`, { state: "ALL", order }, pullRequestSchema, start),
    async activities(projectKey, slug, pullRequestId) {
      const activities: ServerActivity[] = [];
      let start: number | null = 0;
      for (let pages = 0; start !== null; pages++) {
        if (pages >= MAX_PAGES) throw new Error(`The activities of pull request ${pullRequestId} do not end after ${MAX_PAGES} pages`);
        const page: ServerPage<ServerActivity> = await getPage(`${repoPath(projectKey, slug)}/pull-requests/${pullRequestId}/activities`, {}, activitySchema, start);
        activities.push(...page.values);
        start = page.nextPageStart;
      }
      return activities;
    },
    repositoriesPage: ({ name, project, start = 0, limit = 100 }) =>
      project ? getPage(`/projects/${segment(project)}/repos`, { name: name || undefined }, repositorySchema, start, limit) : getPage("/repos", { name: name || undefined }, repositorySchema, start, limit),
    user: (slug) => get(`/users/${segment(slug)}`, {}, userSchema),
  };
}
