/**
 * Request budgets for importing one repository, computed from the data the sandbox holds, so a
 * benchmark can compare an importer's request count with them.
 *
 * `minimum`: the repository (1); labels, milestones (state=all), releases, pulls (state=all),
 * issues (state=all, pull requests included), the repository-wide issue comments, review
 * comments and issue events, collaborators and branches, each in pages of `perPage`; per pull
 * request its reviews (no listing spans a repository, so every pull request costs at least one
 * page); per item with a cross-reference (the only timeline event /issues/events lacks) its
 * timeline; one protection per protected branch; LFS batch requests of up to 100 objects.
 *
 * `gitlabPattern`: what GitLab's documented importer asks for the same data: the same listings
 * except /issues/events, plus every issue's and pull request's timeline and every pull request's
 * reviews, and with `single_endpoint_notes_import` the comments per item instead of the
 * repository-wide streams; one /users/{login} per distinct author.
 */
import type { RepoSeed, RepositoryContent } from "./model";
import type { GithubState } from "./state";

export interface RequestBudget {
  readonly repository: string;
  readonly perPage: number;
  readonly minimum: number;
  readonly gitlabPattern: number;
  readonly gitlabPatternSingleEndpoint: number;
  /** The minimum's parts, by endpoint. */
  readonly breakdown: Readonly<Record<string, number>>;
}

const pages = (count: number, perPage: number) => Math.max(1, Math.ceil(count / perPage));

function countBy(numbers: Iterable<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1);
  return counts;
}

function collaboratorCount(state: GithubState, repo: RepoSeed): number {
  return state.accounts.filter((account) => account.id !== 10137 && state.permission(account, repo) !== null).length;
}

export function minimumImportRequests(state: GithubState, repo: RepoSeed, options: { perPage?: number } = {}): RequestBudget {
  const perPage = Math.min(100, Math.max(1, options.perPage || 100));
  const content: RepositoryContent = state.content(repo);
  const pulls = content.items.filter((item) => item.pull);
  const reviews = countBy(content.reviews.map((review) => review.number));
  const timelineSize = countBy([...content.events.map((event) => event.number), ...content.issueComments.map((comment) => comment.number), ...content.reviews.map((review) => review.number)]);
  const crossReferenced = new Set(content.events.filter((event) => event.event === "cross-referenced").map((event) => event.number));
  const issueEvents = content.events.filter((event) => event.event !== "cross-referenced").length;
  const protectedBranches = Object.keys(content.protections).filter((name) => content.git.branches[name] !== undefined).length;

  const breakdown: Record<string, number> = {
    "GET /repositories/{id}": 1,
    "GET /repos/{owner}/{repo}/labels": pages(content.labels.length, perPage),
    "GET /repos/{owner}/{repo}/milestones": pages(content.milestones.length, perPage),
    "GET /repos/{owner}/{repo}/releases": pages(content.releases.length, perPage),
    "GET /repos/{owner}/{repo}/pulls": pages(pulls.length, perPage),
    "GET /repos/{owner}/{repo}/issues": pages(content.items.length, perPage),
    "GET /repos/{owner}/{repo}/issues/comments": pages(content.issueComments.length, perPage),
    "GET /repos/{owner}/{repo}/pulls/comments": pages(content.reviewComments.length, perPage),
    "GET /repos/{owner}/{repo}/issues/events": pages(issueEvents, perPage),
    "GET /repos/{owner}/{repo}/pulls/{number}/reviews": pulls.reduce((sum, item) => sum + pages(reviews.get(item.number) ?? 0, perPage), 0),
    "GET /repos/{owner}/{repo}/issues/{number}/timeline": [...crossReferenced].reduce((sum, number) => sum + pages(timelineSize.get(number) ?? 0, perPage), 0),
    "GET /repos/{owner}/{repo}/collaborators": pages(collaboratorCount(state, repo), perPage),
    "GET /repos/{owner}/{repo}/branches": pages(Object.keys(content.git.branches).length, perPage),
    "GET /repos/{owner}/{repo}/branches/{branch}/protection": protectedBranches,
    "POST /{owner}/{repo}.git/info/lfs/objects/batch": content.lfs.size > 0 ? Math.ceil(content.lfs.size / 100) : 0,
  };
  const minimum = Object.values(breakdown).reduce((sum, n) => sum + n, 0);

  const shared = minimum - breakdown["GET /repos/{owner}/{repo}/issues/events"]! - breakdown["GET /repos/{owner}/{repo}/issues/{number}/timeline"]!;
  const timelines = content.items.reduce((sum, item) => sum + pages(timelineSize.get(item.number) ?? 0, perPage), 0);
  const authors = new Set([...content.items.map((item) => item.user), ...content.issueComments.map((comment) => comment.user), ...content.reviewComments.map((comment) => comment.user)]).size;
  const gitlabPattern = shared + timelines + authors;
  const comments = countBy(content.issueComments.map((comment) => comment.number));
  const reviewComments = countBy(content.reviewComments.map((comment) => comment.number));
  const perItemComments =
    content.items.reduce((sum, item) => sum + pages(comments.get(item.number) ?? 0, perPage), 0) + pulls.reduce((sum, item) => sum + pages(reviewComments.get(item.number) ?? 0, perPage), 0);
  const gitlabPatternSingleEndpoint = gitlabPattern - breakdown["GET /repos/{owner}/{repo}/issues/comments"]! - breakdown["GET /repos/{owner}/{repo}/pulls/comments"]! + perItemComments;

  return { repository: state.fullName(repo), perPage, minimum, gitlabPattern, gitlabPatternSingleEndpoint, breakdown };
}

export interface SyncBudget {
  readonly repository: string;
  readonly since: string;
  readonly perPage: number;
  readonly minimum: number;
  readonly breakdown: Readonly<Record<string, number>>;
}

/**
 * The fewest API requests a sync needs to bring what changed at or after `since` (git transfers
 * not counted): labels, milestones and releases (one listing each); the collaborators (when the
 * import brings them) and the protected branches (one listing each) and each protected branch's
 * rule; the issue listing filtered with `since` (issues and pull requests updated); per changed
 * pull request `GET /pulls/{n}` (the listing of pull requests lacks the review comment count, the
 * only sign of a deleted review comment) and its reviews; the repository-wide issue comments and
 * review comments filtered with `since`; the issue events, newest first, down to the first event
 * before `since`; and per item whose comments or review comments were deleted since, those read
 * again (the only way to see what is gone).
 */
export function minimumSyncRequests(state: GithubState, repo: RepoSeed, options: { since: string; perPage?: number; collaborators?: boolean }): SyncBudget {
  const perPage = Math.min(100, Math.max(1, options.perPage || 100));
  const content: RepositoryContent = state.content(repo);
  const since = new Date(options.since).toISOString().replace(/\.\d{3}Z$/, "Z");
  const changed = content.items.filter((item) => item.updated_at >= since);
  const changedPulls = changed.filter((item) => item.pull);
  const reviews = countBy(content.reviews.map((review) => review.number));
  const comments = countBy(content.issueComments.map((comment) => comment.number));
  const issueEvents = content.events.filter((event) => event.event !== "cross-referenced");
  const recentEvents = issueEvents.filter((event) => event.created_at >= since).length;
  const deletedSince = (content.deletedComments ?? []).filter((deleted) => deleted.at >= since);
  const deletedFrom = new Set(deletedSince.filter((deleted) => !deleted.review).map((deleted) => deleted.number));
  const reviewDeletedFrom = new Set(deletedSince.filter((deleted) => deleted.review).map((deleted) => deleted.number));
  const reviewComments = countBy(content.reviewComments.map((comment) => comment.number));
  const protectedBranches = Object.keys(content.protections).filter((name) => content.git.branches[name] !== undefined).length;
  const breakdown: Record<string, number> = {
    "GET /repos/{owner}/{repo}/labels": pages(content.labels.length, perPage),
    "GET /repos/{owner}/{repo}/milestones": pages(content.milestones.length, perPage),
    "GET /repos/{owner}/{repo}/releases": pages(content.releases.length, perPage),
    "GET /repos/{owner}/{repo}/issues": pages(changed.length, perPage),
    "GET /repos/{owner}/{repo}/collaborators": options.collaborators === false ? 0 : pages(collaboratorCount(state, repo), perPage),
    "GET /repos/{owner}/{repo}/branches": pages(protectedBranches, perPage),
    "GET /repos/{owner}/{repo}/branches/{branch}/protection": protectedBranches,
    "GET /repos/{owner}/{repo}/pulls/{number}": changedPulls.length,
    "GET /repos/{owner}/{repo}/pulls/{number}/reviews": changedPulls.reduce((sum, item) => sum + pages(reviews.get(item.number) ?? 0, perPage), 0),
    "GET /repos/{owner}/{repo}/issues/comments": pages(content.issueComments.filter((comment) => comment.updated_at >= since).length, perPage),
    "GET /repos/{owner}/{repo}/pulls/comments": pages(content.reviewComments.filter((comment) => comment.updated_at >= since).length, perPage),
    "GET /repos/{owner}/{repo}/issues/events": Math.min(pages(issueEvents.length, perPage), Math.floor(recentEvents / perPage) + 1),
    "GET /repos/{owner}/{repo}/issues/{number}/comments": [...deletedFrom].reduce((sum, number) => sum + pages(comments.get(number) ?? 0, perPage), 0),
    "GET /repos/{owner}/{repo}/pulls/{number}/comments": [...reviewDeletedFrom].reduce((sum, number) => sum + pages(reviewComments.get(number) ?? 0, perPage), 0),
  };
  const minimum = Object.values(breakdown).reduce((sum, n) => sum + n, 0);
  return { repository: state.fullName(repo), since, perPage, minimum, breakdown };
}
