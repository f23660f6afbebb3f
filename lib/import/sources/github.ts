/**
 * GitHub as an import source: the repository and its listings read through lib/github, in
 * GitHub's shapes checked with zod and turned into what the GitHub stages write. Listings are the
 * repository-wide ones (issues, comments, review comments, events) so an import costs about one
 * request per page of data; per-item requests are made only where GitHub has no listing (reviews)
 * or only for items that need them (timelines of cross-referenced items).
 */
import { z } from "zod";
import { createGitHubClient, type GitHubClient, type GitHubEvent } from "@/lib/github";
import type { SourceCredentials, SourceEvent, SourceRepository, SourceUser } from "./types";

/** GitHub's deleted-user account: what deleted accounts wrote. Never mapped to anyone. */
export const GHOST_LOGIN = "ghost";

const user = z.object({ id: z.number(), login: z.string(), type: z.string().optional() }).nullable();
export type GitHubUserJson = z.infer<typeof user>;

export const githubRepositorySchema = z.object({
  id: z.number(),
  full_name: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  private: z.boolean(),
  default_branch: z.string().nullable().optional(),
  has_issues: z.boolean().default(true),
  has_wiki: z.boolean().default(false),
  html_url: z.string(),
  clone_url: z.string(),
});
export type GitHubRepositoryJson = z.infer<typeof githubRepositorySchema>;

const label = z.object({ name: z.string(), color: z.string().nullable().optional(), description: z.string().nullable().optional() });
const milestone = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  description: z.string().nullable().optional(),
  state: z.enum(["open", "closed"]),
  due_on: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
const release = z.object({
  id: z.number(),
  tag_name: z.string(),
  name: z.string().nullable(),
  body: z.string().nullable().optional(),
  draft: z.boolean().default(false),
  prerelease: z.boolean().default(false),
  created_at: z.string(),
  published_at: z.string().nullable().optional(),
  author: user.optional(),
  assets: z.array(z.object({ name: z.string(), browser_download_url: z.string() })).default([]),
});
const reactions = z.object({ "+1": z.number().default(0), "-1": z.number().default(0) }).passthrough().optional();
/** What issues and pull requests share in GitHub's listings. */
const item = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  body: z.string().nullable().optional(),
  user,
  state: z.enum(["open", "closed"]),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable().optional(),
  html_url: z.string(),
});
const issue = item.extend({
  state_reason: z.string().nullable().optional(),
  locked: z.boolean().default(false),
  labels: z.array(label),
  assignees: z.array(user).default([]),
  milestone: milestone.nullable().optional(),
  comments: z.number().default(0),
  reactions,
  pull_request: z.object({ merged_at: z.string().nullable().optional() }).optional(),
});
const branchTip = z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string(), clone_url: z.string() }).nullable() });
const pull = item.extend({
  draft: z.boolean().default(false),
  merged_at: z.string().nullable().optional(),
  merge_commit_sha: z.string().nullable().optional(),
  requested_reviewers: z.array(user).default([]),
  assignees: z.array(user).default([]),
  labels: z.array(label).default([]),
  milestone: milestone.nullable().optional(),
  head: branchTip,
  base: branchTip,
  /** Only `GET /pulls/{n}` carries it, not the listing. */
  review_comments: z.number().optional(),
});
const issueComment = z.object({ id: z.number(), issue_url: z.string(), user, body: z.string().nullable().optional(), created_at: z.string(), updated_at: z.string(), html_url: z.string() });
const reviewComment = z.object({
  id: z.number(),
  pull_request_url: z.string(),
  pull_request_review_id: z.number().nullable().optional(),
  in_reply_to_id: z.number().optional(),
  user,
  body: z.string().nullable().optional(),
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  start_line: z.number().nullable().optional(),
  side: z.enum(["LEFT", "RIGHT"]).nullable().optional(),
  start_side: z.enum(["LEFT", "RIGHT"]).nullable().optional(),
  commit_id: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  html_url: z.string(),
});
const review = z.object({ id: z.number(), user, body: z.string().nullable().optional(), state: z.string(), submitted_at: z.string().nullable().optional(), html_url: z.string() });
const event = z.object({
  id: z.number().optional(),
  event: z.string(),
  actor: user.optional(),
  created_at: z.string(),
  label: z.object({ name: z.string() }).optional(),
  milestone: z.object({ title: z.string() }).optional(),
  rename: z.object({ from: z.string(), to: z.string() }).optional(),
  assignee: user.optional(),
  requested_reviewer: user.optional(),
  commit_id: z.string().nullable().optional(),
  issue: z.object({ number: z.number() }).optional(),
  source: z.object({ issue: z.object({ number: z.number(), pull_request: z.unknown().optional(), repository: z.object({ full_name: z.string() }).optional() }).nullable().optional() }).optional(),
});
const collaborator = z.object({ id: z.number(), login: z.string(), role_name: z.string().optional(), permissions: z.record(z.string(), z.boolean()).optional() });
const branch = z.object({ name: z.string(), protected: z.boolean().optional() });
const protection = z.object({
  required_pull_request_reviews: z.object({ required_approving_review_count: z.number().default(0), require_code_owner_reviews: z.boolean().default(false), dismiss_stale_reviews: z.boolean().default(false) }).optional(),
  restrictions: z.object({ users: z.array(user).default([]) }).nullable().optional(),
  enforce_admins: z.object({ enabled: z.boolean() }).optional(),
  allow_force_pushes: z.object({ enabled: z.boolean() }).optional(),
  required_status_checks: z.object({ contexts: z.array(z.string()).default([]) }).nullable().optional(),
});

export type GitHubLabel = z.infer<typeof label>;
export type GitHubMilestone = z.infer<typeof milestone>;
export type GitHubRelease = z.infer<typeof release>;
export type GitHubIssue = z.infer<typeof issue>;
export type GitHubPull = z.infer<typeof pull>;
export type GitHubIssueComment = z.infer<typeof issueComment>;
export type GitHubReviewComment = z.infer<typeof reviewComment>;
export type GitHubReview = z.infer<typeof review>;
export type GitHubIssueEvent = z.infer<typeof event>;
export type GitHubCollaborator = z.infer<typeof collaborator>;
export type GitHubProtection = z.infer<typeof protection>;

export type Page<T> = { items: T[]; next: string | null; following: string[] };

/** The number at the end of an `issue_url` / `pull_request_url`. */
export function numberFromUrl(url: string): number {
  return Number(url.slice(url.lastIndexOf("/") + 1));
}

/** A GitHub account as the pipeline knows people: the numeric id is the identity, the login can change. */
export function sourceUserOf(json: GitHubUserJson | undefined): SourceUser | null {
  if (!json || json.login === GHOST_LOGIN) return null;
  return { id: String(json.id), accountId: null, username: json.login, displayName: json.login };
}

export function toSourceRepository(json: GitHubRepositoryJson): SourceRepository {
  const cloneUrl = json.clone_url;
  return {
    fullName: json.full_name,
    name: json.name,
    slug: json.name,
    description: json.description ?? "",
    isPrivate: json.private,
    defaultBranch: json.default_branch ?? null,
    hasIssues: json.has_issues,
    hasWiki: json.has_wiki,
    webUrl: json.html_url,
    cloneUrl,
    wikiCloneUrl: json.has_wiki ? `${cloneUrl.replace(/\.git$/, "")}.wiki.git` : null,
    lfsBatchUrl: `${cloneUrl.replace(/\.git$/, "")}.git/info/lfs/objects/batch`,
    extraRefspecs: ["+refs/pull/*/head:refs/merge-requests/*/head"],
  };
}

export type GitHubSourceOptions = {
  repoId: number;
  fullName: string;
  hostname: string | null;
  token: () => Promise<string>;
  perPage: number;
  onEvent?: (event: SourceEvent) => void;
  maxRateLimitWaitMs?: number;
  /**
   * Called when GitHub refused the token; returns whether a newer token may be available (a
   * reconnected account), in which case the request is made once more.
   */
  tokenRefused?: () => boolean;
};

function parsePage<T>(schema: z.ZodType<T>, page: { items: unknown[]; next: string | null; following: string[] }): Page<T> {
  return { items: z.array(schema).parse(page.items), next: page.next, following: page.following };
}

export class GitHubImportSource {
  readonly name = "github";
  readonly displayName = "GitHub";
  readonly client: GitHubClient;
  private readonly base: string;

  constructor(private readonly options: GitHubSourceOptions) {
    const client = createGitHubClient({
      token: options.token,
      hostname: options.hostname,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs,
      onEvent: (event: GitHubEvent) => options.onEvent?.({ type: "rate-limited", resumeAt: event.resumeAt }),
    });
    const again = async <T>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        if ((error as { code?: string }).code !== "github_unauthorized" || !options.tokenRefused?.()) throw error;
        return call();
      }
    };
    this.client = { ...client, get: (path, query) => again(() => client.get(path, query)), page: (pathOrUrl, query) => again(() => client.page(pathOrUrl, query)) };
    this.base = `/repos/${options.fullName}`;
  }

  async repository(): Promise<SourceRepository> {
    return toSourceRepository(githubRepositorySchema.parse(await this.client.get(`/repositories/${this.options.repoId}`)));
  }

  async gitCredentials(): Promise<SourceCredentials> {
    return { username: "x-access-token", password: await this.options.token() };
  }

  private async listing<T>(schema: z.ZodType<T>, path: string, cursor: string | null, query: Record<string, string | number> = {}): Promise<Page<T>> {
    const page = cursor ? await this.client.page<unknown>(cursor) : await this.client.page<unknown>(`${this.base}${path}`, { per_page: this.options.perPage, ...query });
    return parsePage(schema, page);
  }

  private async all<T>(schema: z.ZodType<T>, path: string, query: Record<string, string | number> = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await this.listing(schema, path, cursor, query);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return items;
  }

  labels = () => this.all(label, "/labels");
  milestones = () => this.all(milestone, "/milestones", { state: "all" });
  releases = () => this.all(release, "/releases");
  collaborators = () => this.all(collaborator, "/collaborators", { affiliation: "direct" });
  branches = () => this.all(branch, "/branches");
  protectedBranches = () => this.all(branch, "/branches", { protected: "true" });
  protection = async (name: string) => protection.parse(await this.client.get(`${this.base}/branches/${encodeURIComponent(name)}/protection`));
  pullsPage = (cursor: string | null) => this.listing(pull, "/pulls", cursor, { state: "all", sort: "created", direction: "asc" });
  issuesPage = (cursor: string | null) => this.listing(issue, "/issues", cursor, { state: "all", sort: "created", direction: "asc" });
  issueCommentsPage = (cursor: string | null) => this.listing(issueComment, "/issues/comments", cursor, { sort: "created", direction: "asc" });
  reviewCommentsPage = (cursor: string | null) => this.listing(reviewComment, "/pulls/comments", cursor, { sort: "created", direction: "asc" });
  issueEventsPage = (cursor: string | null) => this.listing(event, "/issues/events", cursor);
  reviews = (number: number) => this.all(review, `/pulls/${number}/reviews`);
  /** The cross-referenced events of an item's timeline (its other entries are read from the listings). */
  crossReferences = async (number: number) => {
    const entries = await this.all(z.object({ event: z.string().optional() }).passthrough(), `/issues/${number}/timeline`);
    return z.array(event).parse(entries.filter((entry) => entry.event === "cross-referenced"));
  };
  // --- what a sync reads: listings sorted by update time, oldest first, from a watermark ---

  /** Issues and pull requests updated at or after `since`, oldest update first. */
  itemsUpdatedSince = (since: string) => this.listing(issue, "/issues", null, { state: "all", sort: "updated", direction: "asc", since });
  pull = async (number: number) => pull.parse(await this.client.get(`${this.base}/pulls/${number}`));
  issueCommentsUpdatedSince = (since: string) => this.listing(issueComment, "/issues/comments", null, { sort: "updated", direction: "asc", since });
  reviewCommentsUpdatedSince = (since: string) => this.listing(reviewComment, "/pulls/comments", null, { sort: "updated", direction: "asc", since });

  /** Per-item comments, for `single_endpoint_notes_import`. */
  itemComments = (number: number) => this.all(issueComment, `/issues/${number}/comments`);
  pullReviewComments = (number: number) => this.all(reviewComment, `/pulls/${number}/comments`);
}
