/**
 * Changes to a repository after it was first served, as people keep working in Bitbucket Server:
 * new pull requests, edits of their title and description, state changes (merge, decline,
 * reopen), comments and replies, pushes (to new branches too), force pushes and deleted branches. Each change is stamped with the sandbox clock (strictly
 * increasing) and moves the `updatedDate` of the pull request it touches, so the listing ordered
 * NEWEST sees it first. The git repository is rebuilt from the changed plan.
 *
 *   POST /_sandbox/repositories/{projectKey}/{slug}/changes   {changes: [...]}  (see changeSchema)
 */
import { z } from "zod";
import { applyBranchChange, withCommit } from "../common/git-changes";
import { SandboxStateError } from "../common/state-error";
import type { Activity, RepositoryContent, ServerComment, ServerPullRequest } from "./model";

const id = z.number().int().positive();
const user = z.string().min(1).default("alice");

export const changeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("pull_request"), title: z.string().min(1), description: z.string().default(""), user, source_branch: z.string().min(1) }),
  z.object({ type: z.literal("edit_pull_request"), pull_request: id, title: z.string().min(1).optional(), description: z.string().optional(), user }),
  z.object({ type: z.literal("pull_request_state"), pull_request: id, state: z.enum(["OPEN", "MERGED", "DECLINED"]), user }),
  z.object({ type: z.literal("comment"), pull_request: id, content: z.string().min(1), user, parent: id.optional() }),
  /** `from`: a push that creates the branch, on the tip of that branch. */
  z.object({ type: z.literal("push"), branch: z.string().min(1), message: z.string().default("More work"), from: z.string().min(1).optional() }),
  z.object({ type: z.literal("force_push"), branch: z.string().min(1), message: z.string().default("Rewritten") }),
  z.object({ type: z.literal("delete_branch"), branch: z.string().min(1) }),
]);
export type ServerChange = z.input<typeof changeSchema>;
export const changesBody = z.object({ changes: z.array(changeSchema).min(1).max(10_000) });
export type AppliedChange = { type: ServerChange["type"]; id?: number };
/** An activity before the clock and the counter give it its time and id. */
type NewActivity = Activity extends infer A ? (A extends Activity ? Omit<A, "id" | "at"> : never) : never;

function commentIds(comment: ServerComment): number[] {
  return [comment.id, ...comment.replies.flatMap(commentIds)];
}

function withReply(comment: ServerComment, parentId: number, reply: ServerComment): ServerComment {
  if (comment.id === parentId) return { ...comment, replies: [...comment.replies, reply] };
  return { ...comment, replies: comment.replies.map((child) => withReply(child, parentId, reply)) };
}

/** The content after the changes, in order, each at the next tick of `stamp` (epoch ms); a change that cannot apply throws SandboxStateError. */
export function applyServerChanges(content: RepositoryContent, repository: string, input: readonly ServerChange[], stamp: () => number): { content: RepositoryContent; applied: AppliedChange[] } {
  let git = content.git;
  const pullRequests = [...content.pullRequests];
  const activityIds = pullRequests.flatMap((pr) => pr.activities.map((activity) => activity.id));
  const allCommentIds = pullRequests.flatMap((pr) => pr.activities.flatMap((activity) => (activity.action === "COMMENTED" ? commentIds(activity.comment) : [])));
  let nextActivity = Math.max(0, ...activityIds) + 1;
  let nextComment = Math.max(0, ...allCommentIds) + 1;
  const applied: AppliedChange[] = [];

  const requireBranch = (branch: string) => {
    const mark = git.branches[branch];
    if (mark === undefined) throw new SandboxStateError(404, `No branch ${branch}.`);
    return mark;
  };
  const indexOf = (pullRequestId: number) => {
    const index = pullRequests.findIndex((pr) => pr.id === pullRequestId);
    if (index < 0) throw new SandboxStateError(404, `No pull request ${pullRequestId}.`);
    return index;
  };
  const update = (pullRequestId: number, at: number, change: (pr: ServerPullRequest) => Partial<ServerPullRequest>, activity: NewActivity | null) => {
    const index = indexOf(pullRequestId);
    const pr = pullRequests[index]!;
    const activities = activity ? [...pr.activities, { ...activity, id: nextActivity++, at } as Activity] : pr.activities;
    pullRequests[index] = { ...pr, ...change(pr), activities, updatedAt: at };
  };
  const commitOn = (branch: string, parent: number, message: string, at: number) => {
    const file = `notes/${branch.replace(/[^A-Za-z0-9]+/g, "-")}-${at}.md`;
    git = withCommit(git, { branch, parent, message, timestamp: Math.floor(at / 1000), files: { [file]: `${message}\n` } });
    const sha = git.sha(git.branches[branch]!);
    for (const pr of pullRequests) {
      if (pr.state === "OPEN" && pr.from.branch === branch && pr.from.repository === repository) {
        update(pr.id, at, () => ({ from: { ...pr.from, commit: sha } }), { user: pr.author, action: "RESCOPED", fromHash: sha, previousFromHash: pr.from.commit });
      }
    }
  };

  for (const raw of input) {
    const change = changeSchema.parse(raw);
    const at = stamp();
    switch (change.type) {
      case "pull_request": {
        const from = git.sha(requireBranch(change.source_branch));
        const pullRequestId = Math.max(0, ...pullRequests.map((pr) => pr.id)) + 1;
        pullRequests.push({
          id: pullRequestId, title: change.title, description: change.description, state: "OPEN", draft: false, author: change.user, createdAt: at, updatedAt: at,
          from: { branch: change.source_branch, commit: from, repository }, to: { branch: git.head, commit: git.sha(git.branches[git.head]!), repository }, reviewers: [],
          activities: [{ id: nextActivity++, at, user: change.user, action: "OPENED" }],
        });
        applied.push({ type: change.type, id: pullRequestId });
        break;
      }
      case "edit_pull_request": {
        const pr = pullRequests[indexOf(change.pull_request)]!;
        update(change.pull_request, at, () => ({ title: change.title ?? pr.title, description: change.description ?? pr.description }), { user: change.user, action: "UPDATED" });
        applied.push({ type: change.type, id: change.pull_request });
        break;
      }
      case "pull_request_state": {
        const previous = pullRequests[indexOf(change.pull_request)]!.state;
        if (previous === change.state) throw new SandboxStateError(400, `Pull request ${change.pull_request} is already ${change.state}.`);
        const activity: NewActivity =
          change.state === "MERGED" ? { user: change.user, action: "MERGED", commit: git.sha(git.branches[git.head]!) } : { user: change.user, action: change.state === "DECLINED" ? "DECLINED" : "REOPENED" };
        update(change.pull_request, at, () => ({ state: change.state }), activity);
        applied.push({ type: change.type, id: change.pull_request });
        break;
      }
      case "comment": {
        const comment: ServerComment = { id: nextComment++, text: change.content, author: change.user, at, replies: [], tasks: [] };
        const parent = change.parent;
        if (parent !== undefined) {
          const pr = pullRequests[indexOf(change.pull_request)]!;
          if (!pr.activities.some((activity) => activity.action === "COMMENTED" && commentIds(activity.comment).includes(parent))) throw new SandboxStateError(404, `Pull request ${change.pull_request} has no comment ${parent}.`);
          const activities = pr.activities.map((activity) => (activity.action === "COMMENTED" ? { ...activity, comment: withReply(activity.comment, parent, comment) } : activity));
          pullRequests[indexOf(change.pull_request)] = { ...pr, activities };
        }
        update(change.pull_request, at, () => ({}), { user: change.user, action: "COMMENTED", comment });
        applied.push({ type: change.type, id: comment.id });
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
    }
  }
  return { content: { ...content, git, pullRequests }, applied };
}
