/**
 * Changes to a repository after it was first served, as people keep working on GitHub: new issues
 * and pull requests, edits, state changes (close, reopen, merge), labels, comments (new, edited,
 * deleted), reviews (edited, deleted) and review comments (new, deleted), collaborators, branch
 * protections, pushes, force pushes and deleted branches. Each change
 * is stamped with the sandbox clock (strictly increasing whole seconds, as GitHub serves times)
 * and moves the `updated_at` of the item it touches, so listings sorted by update time and
 * filtered with `since` see it. A new body, comment, review or review comment that mentions
 * another item (`#N`) puts a cross-referenced event on that item's timeline, as GitHub does.
 * The git repository is rebuilt from the changed plan.
 *
 *   POST /_sandbox/repositories/{owner}/{repo}/changes   {changes: [...]}  (see changeSchema)
 */
import { z } from "zod";
import { applyBranchChange, withCommit } from "../common/git-changes";
import { hashGitPlan, type HashedGitPlan } from "../common/git-objects";
import { SandboxStateError } from "../common/state-error";
import type { EventRecord, IssueCommentRecord, ItemRecord, RepositoryContent, ReviewCommentRecord, ReviewRecord } from "./model";
import { GITHUB_ACCOUNTS, type GithubLogin } from "./seed";

const number = z.number().int().positive();
const login = z.enum(Object.keys(GITHUB_ACCOUNTS) as [GithubLogin, ...GithubLogin[]]).default("alice");

export const changeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("issue"), title: z.string().min(1), body: z.string().default(""), user: login, labels: z.array(z.string()).default([]) }),
  z.object({ type: z.literal("pull_request"), title: z.string().min(1), body: z.string().default(""), user: login, source_branch: z.string().min(1) }),
  z.object({ type: z.literal("edit"), number, title: z.string().min(1).optional(), body: z.string().optional() }),
  z.object({ type: z.literal("state"), number, state: z.enum(["open", "closed", "merged"]), reason: z.enum(["completed", "not_planned"]).default("completed"), user: login }),
  z.object({ type: z.literal("label"), number, label: z.string().min(1), user: login }),
  z.object({ type: z.literal("comment"), number, body: z.string().min(1), user: login }),
  z.object({ type: z.literal("edit_comment"), comment: number, body: z.string().min(1) }),
  z.object({ type: z.literal("delete_comment"), comment: number }),
  z.object({ type: z.literal("review"), number, state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]), body: z.string().default(""), user: login }),
  z.object({ type: z.literal("review_comment"), number, body: z.string().min(1), path: z.string().min(1), line: number, user: login }),
  z.object({ type: z.literal("edit_review"), review: number, body: z.string() }),
  z.object({ type: z.literal("delete_review"), review: number }),
  z.object({ type: z.literal("delete_review_comment"), comment: number }),
  z.object({ type: z.literal("collaborator"), login: login, permission: z.enum(["read", "triage", "write", "maintain", "admin"]).nullable() }),
  z.object({
    type: z.literal("protection"),
    branch: z.string().min(1),
    rule: z
      .object({
        required_approving_review_count: z.number().int().min(0).nullable().default(null),
        dismiss_stale_reviews: z.boolean().default(false),
        require_code_owner_reviews: z.boolean().default(false),
        required_status_checks: z.array(z.string()).default([]),
        enforce_admins: z.boolean().default(false),
        allow_force_pushes: z.boolean().default(false),
        allow_deletions: z.boolean().default(false),
        push_users: z.array(z.string()).nullable().default(null),
      })
      .nullable(),
  }),
  z.object({ type: z.literal("push"), branch: z.string().min(1), message: z.string().default("More work") }),
  z.object({ type: z.literal("force_push"), branch: z.string().min(1), message: z.string().default("Rewritten") }),
  z.object({ type: z.literal("delete_branch"), branch: z.string().min(1) }),
]);
export type GithubChange = z.input<typeof changeSchema>;
export const changesBody = z.object({ changes: z.array(changeSchema).min(1).max(10_000) });
export type AppliedChange = { type: GithubChange["type"]; id?: number };

const maxId = (records: ReadonlyArray<{ id: number }>) => records.reduce((max, record) => Math.max(max, record.id), 0);

/** The content after the changes, in order, each at the next tick of `stamp` (epoch ms, whole seconds); a change that cannot apply throws SandboxStateError. */
export function applyGithubChanges(content: RepositoryContent, repository: string, input: readonly GithubChange[], stamp: () => number): { content: RepositoryContent; applied: AppliedChange[] } {
  let git: HashedGitPlan = content.git;
  const items = [...content.items];
  const issueComments = [...content.issueComments];
  const reviews = [...content.reviews];
  const reviewComments = [...content.reviewComments];
  const events = [...content.events];
  const deletedComments = [...(content.deletedComments ?? [])];
  let collaborators = [...(content.collaborators ?? [])];
  const protections = { ...content.protections };
  let nextItemId = maxId(items) + 1;
  let nextCommentId = Math.max(maxId(issueComments), maxId(reviewComments), maxId(reviews)) + 1;
  let nextEventId = maxId(events) + 1;
  const applied: AppliedChange[] = [];
  const owner = repository.split("/")[0]!;

  const itemAt = (n: number) => {
    const item = items[n - 1];
    if (!item) throw new SandboxStateError(404, `No issue or pull request #${n}.`);
    return item;
  };
  const pullAt = (n: number) => {
    const item = itemAt(n);
    if (!item.pull) throw new SandboxStateError(400, `#${n} is an issue, not a pull request.`);
    return item as ItemRecord & { pull: NonNullable<ItemRecord["pull"]> };
  };
  const touch = (n: number, at: string, change: Partial<ItemRecord> = {}) => {
    items[n - 1] = { ...itemAt(n), ...change, updated_at: at };
  };
  const event = (n: number, name: EventRecord["event"], actor: number, at: string, extra: Partial<EventRecord> = {}) => {
    events.push({ id: nextEventId++, number: n, event: name, actor, created_at: at, ...extra });
  };
  /** GitHub's cross-references: a new text on item `from` that mentions another item of the repository (`#N`) puts an event on that item's timeline. */
  const mention = (from: number, body: string, actor: number, at: string) => {
    const mentioned = new Set([...body.matchAll(/(?:^|[\s(\[,;:])#(\d+)\b/g)].map((match) => Number(match[1])));
    for (const n of mentioned) if (n !== from && items[n - 1]) event(n, "cross-referenced", actor, at, { source: from });
  };
  const requireBranch = (branch: string) => {
    const mark = git.branches[branch];
    if (mark === undefined) throw new SandboxStateError(404, `No branch ${branch}.`);
    return mark;
  };
  const recordIndex = <T extends { id: number }>(records: T[], id: number, what: string) => {
    const index = records.findIndex((record) => record.id === id);
    if (index < 0) throw new SandboxStateError(404, `No ${what} ${id}.`);
    return index;
  };
  /** A comment or review edited; the item's update time moves. */
  const editRecord = <T extends { id: number; number: number }>(records: T[], id: number, what: string, patch: Partial<T>, at: string) => {
    const index = recordIndex(records, id, what);
    records[index] = { ...records[index]!, ...patch };
    touch(records[index]!.number, at);
  };
  /**
   * A comment or review comment removed: the item's comment count (a pull request's review comment
   * count, in GET /pulls/{n}) falls and its update time moves; that is how a sync notices.
   */
  const deleteComment = (records: Array<{ id: number; number: number }>, id: number, at: string) => {
    const review = records === reviewComments;
    const [removed] = records.splice(recordIndex(records, id, review ? "review comment" : "issue comment"), 1);
    touch(removed!.number, at);
    deletedComments.push({ id: removed!.id, number: removed!.number, at, ...(review ? { review } : {}) });
  };
  /** A new commit on `branch` (a force push when `parent` is not its tip); open pull requests from it follow, with their refs/pull heads. */
  const commitOn = (branch: string, parent: number, message: string, at: string) => {
    const seconds = Date.parse(at) / 1000;
    git = withCommit(git, { branch, parent, message, timestamp: seconds, files: { [`notes/${branch.replace(/[^A-Za-z0-9]+/g, "-")}-${seconds}.md`]: `${message}\n` } });
    const mark = git.branches[branch]!;
    const refs = { ...git.refs };
    for (const item of items) {
      if (!item.pull || item.state !== "open" || item.pull.head.ref !== branch || item.pull.head.repo !== repository) continue;
      refs[`refs/pull/${item.number}/head`] = mark;
      touch(item.number, at, { pull: { ...item.pull, head: { ...item.pull.head, sha: git.sha(mark) }, commits: item.pull.commits + 1 } });
    }
    git = hashGitPlan({ commits: git.commits, branches: git.branches, refs, tags: git.tags, head: git.head });
  };

  for (const raw of input) {
    const change = changeSchema.parse(raw);
    const at = new Date(stamp()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const user = "user" in change ? GITHUB_ACCOUNTS[change.user].id : 0;
    switch (change.type) {
      case "issue": {
        const n = items.length + 1;
        items.push({
          id: nextItemId++, number: n, title: change.title, body: change.body, user, state: "open", state_reason: null, locked: false, labels: change.labels, milestone: null, assignees: [],
          created_at: at, updated_at: at, closed_at: null, closed_by: null, reactions: {}, pull: null,
        });
        mention(n, change.body, user, at);
        applied.push({ type: change.type, id: n });
        break;
      }
      case "pull_request": {
        const head = requireBranch(change.source_branch);
        const n = items.length + 1;
        items.push({
          id: nextItemId++, number: n, title: change.title, body: change.body, user, state: "open", state_reason: null, locked: false, labels: [], milestone: null, assignees: [],
          created_at: at, updated_at: at, closed_at: null, closed_by: null, reactions: {},
          pull: {
            draft: false, head: { ref: change.source_branch, sha: git.sha(head), repo: repository, owner }, base: { ref: git.head, sha: git.sha(git.branches[git.head]!), repo: repository, owner },
            merged_at: null, merged_by: null, merge_commit_sha: null, requested_reviewers: [], commits: 1, additions: 1, deletions: 0, changed_files: 1,
          },
        });
        git = hashGitPlan({ commits: git.commits, branches: git.branches, refs: { ...git.refs, [`refs/pull/${n}/head`]: head }, tags: git.tags, head: git.head });
        mention(n, change.body, user, at);
        applied.push({ type: change.type, id: n });
        break;
      }
      case "edit":
        touch(change.number, at, { ...(change.title !== undefined ? { title: change.title } : {}), ...(change.body !== undefined ? { body: change.body } : {}) });
        if (change.title !== undefined && change.title !== itemAt(change.number).title) event(change.number, "renamed", itemAt(change.number).user, at, { rename: { from: itemAt(change.number).title, to: change.title } });
        applied.push({ type: change.type, id: change.number });
        break;
      case "state": {
        const item = itemAt(change.number);
        if (change.state === "merged") {
          const pull = pullAt(change.number);
          if (item.state !== "open") throw new SandboxStateError(400, `#${change.number} is not open.`);
          const mergeCommit = git.sha(git.branches[git.head]!);
          touch(change.number, at, { state: "closed", state_reason: null, closed_at: at, closed_by: user, pull: { ...pull.pull, merged_at: at, merged_by: user, merge_commit_sha: mergeCommit } });
          event(change.number, "merged", user, at, { commit_id: mergeCommit });
          event(change.number, "closed", user, at);
        } else if (change.state === "closed") {
          if (item.state === "closed") throw new SandboxStateError(400, `#${change.number} is already closed.`);
          touch(change.number, at, { state: "closed", state_reason: item.pull ? null : change.reason, closed_at: at, closed_by: user });
          event(change.number, "closed", user, at);
        } else {
          if (item.state === "open" || item.pull?.merged_at) throw new SandboxStateError(400, `#${change.number} cannot be reopened.`);
          touch(change.number, at, { state: "open", state_reason: item.pull ? null : "reopened", closed_at: null, closed_by: null });
          event(change.number, "reopened", user, at);
        }
        applied.push({ type: change.type, id: change.number });
        break;
      }
      case "label": {
        const item = itemAt(change.number);
        if (!content.labels.some((label) => label.name === change.label)) throw new SandboxStateError(404, `No label ${change.label}.`);
        touch(change.number, at, { labels: [...new Set([...item.labels, change.label])] });
        event(change.number, "labeled", user, at, { label: change.label });
        applied.push({ type: change.type, id: change.number });
        break;
      }
      case "comment": {
        itemAt(change.number);
        const comment: IssueCommentRecord = { id: nextCommentId++, number: change.number, user, body: change.body, created_at: at, updated_at: at, reactions: {} };
        issueComments.push(comment);
        touch(change.number, at);
        mention(change.number, change.body, user, at);
        applied.push({ type: change.type, id: comment.id });
        break;
      }
      case "edit_comment":
        editRecord(issueComments, change.comment, "issue comment", { body: change.body, updated_at: at }, at);
        applied.push({ type: change.type, id: change.comment });
        break;
      case "delete_comment":
      case "delete_review_comment":
        deleteComment(change.type === "delete_comment" ? issueComments : reviewComments, change.comment, at);
        applied.push({ type: change.type, id: change.comment });
        break;
      case "review": {
        const pull = pullAt(change.number);
        const review: ReviewRecord = { id: nextCommentId++, number: change.number, user, state: change.state, body: change.body, submitted_at: at, commit_id: pull.pull.head.sha };
        reviews.push(review);
        touch(change.number, at);
        mention(change.number, change.body, user, at);
        applied.push({ type: change.type, id: review.id });
        break;
      }
      case "review_comment": {
        const pull = pullAt(change.number);
        const id = nextCommentId++;
        const comment: ReviewCommentRecord = {
          id, number: change.number, review_id: id, user, body: change.body, path: change.path, diff_hunk: "@@ -1 +1 @@", commit_id: pull.pull.head.sha, side: "RIGHT", line: change.line,
          start_line: null, start_side: null, in_reply_to_id: null, created_at: at, updated_at: at, reactions: {},
        };
        reviewComments.push(comment);
        touch(change.number, at);
        mention(change.number, change.body, user, at);
        applied.push({ type: change.type, id });
        break;
      }
      case "edit_review":
        editRecord(reviews, change.review, "review", { body: change.body }, at);
        applied.push({ type: change.type, id: change.review });
        break;
      case "delete_review": {
        const [removed] = reviews.splice(recordIndex(reviews, change.review, "review"), 1);
        touch(removed!.number, at);
        applied.push({ type: change.type, id: change.review });
        break;
      }
      case "push":
      case "force_push":
      case "delete_branch":
        git = applyBranchChange(git, change, (branch, parent, message) => {
          commitOn(branch, parent, message, at);
          return git;
        });
        applied.push({ type: change.type });
        break;
      case "collaborator":
        collaborators = collaborators.filter((collaborator) => collaborator.login !== change.login);
        if (change.permission) collaborators.push({ login: change.login, permission: change.permission });
        applied.push({ type: change.type });
        break;
      case "protection":
        requireBranch(change.branch);
        if (change.rule) protections[change.branch] = change.rule;
        else delete protections[change.branch];
        applied.push({ type: change.type });
        break;
    }
  }
  return { content: { ...content, git, items, issueComments, reviews, reviewComments, events, deletedComments, collaborators, protections }, applied };
}
