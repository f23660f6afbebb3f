/**
 * Generated repository content: small repositories for the picker, and the bench repository
 * (2,000 pull requests by default, each with up to 80 activities: comments with replies, inline
 * comments, approvals, merges and declines). Everything derives from the repository's id, so it
 * is the same on every run.
 */
import { LFS_ATTRIBUTES, PlanBuilder } from "../common/git-content";
import { createRng, intBetween, pick } from "../common/random";
import type { Activity, RepositoryContent, ServerComment, ServerPullRequest, ServerRepository } from "./model";
import { SERVER_USERS } from "./seed";
import { gitIdentity } from "./showcase";

export interface BenchSizes {
  readonly pullRequests: number;
  /** Activities of one pull request are drawn from 1..this. */
  readonly maxActivities: number;
}

export const DEFAULT_BENCH: BenchSizes = { pullRequests: 2000, maxActivities: 80 };

const START = Date.UTC(2024, 5, 3, 8, 0, 0);
const MINUTE = 60_000;
const PEOPLE = ["alice", "bob", "dave", "carol"] as const;

/** A repository with `pullRequestCount` pull requests and up to `maxActivities` activities each. */
export function generateContent(repository: ServerRepository, sizes: BenchSizes): RepositoryContent {
  const rng = createRng(`bitbucket-server:${repository.id}`);
  const fullName = `${repository.projectKey}/${repository.slug}`;
  const plan = new PlanBuilder();
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const root = plan.add({ parents: [], message: "Initial commit", author: gitIdentity(SERVER_USERS.alice), timestamp: seconds(START), files: { "README.md": `# ${repository.name}\n\n${repository.description}\n`, ".gitattributes": LFS_ATTRIBUTES, "src/main.ts": "export const answer = 42;\n" } });
  const branches: Record<string, number> = { main: root };
  const refs: Record<string, number> = {};
  const marks: number[] = [];
  for (let id = 1; id <= sizes.pullRequests; id++) {
    const mark = plan.add({ parents: [root], message: `Change ${id}`, author: gitIdentity(SERVER_USERS[pick(rng, PEOPLE)]), timestamp: seconds(START + id * MINUTE), files: { [`changes/${id}.txt`]: `change ${id}\nsecond line\nthird line\n` } });
    marks.push(mark);
    refs[`refs/pull-requests/${id}/from`] = mark;
  }
  const git = plan.plan(branches, [], "main", [], refs);
  const pullRequests: ServerPullRequest[] = [];
  let activityId = 1;
  let commentId = 1;
  for (let id = 1; id <= sizes.pullRequests; id++) {
    const author = pick(rng, PEOPLE);
    const createdAt = START + id * MINUTE;
    const state = pick(rng, ["OPEN", "MERGED", "MERGED", "DECLINED"] as const);
    const reviewer = pick(rng, PEOPLE.filter((person) => person !== author));
    const activities: Activity[] = [{ id: activityId++, at: createdAt, user: author, action: "OPENED" }];
    const count = intBetween(rng, 1, sizes.maxActivities);
    let at = createdAt;
    for (let index = 1; index < count; index++) {
      at += MINUTE;
      const user = pick(rng, PEOPLE);
      const roll = rng();
      if (roll < 0.1) activities.push({ id: activityId++, at, user: reviewer, action: "APPROVED" });
      else {
        const replies: ServerComment[] = roll < 0.3 ? [{ id: commentId++, text: `Reply ${index}`, author: pick(rng, PEOPLE), at: at + 1000, replies: [], tasks: [] }] : [];
        const comment: ServerComment = { id: commentId++, text: `Comment ${index} on change ${id}`, author: user, at, replies, tasks: [] };
        const anchor = roll > 0.8 ? { path: `changes/${id}.txt`, line: 2, lineType: "ADDED" as const, fileType: "TO" as const } : undefined;
        activities.push({ id: activityId++, at, user, action: "COMMENTED", comment, ...(anchor ? { anchor } : {}) });
      }
    }
    at += MINUTE;
    if (state === "MERGED") activities.push({ id: activityId++, at, user: reviewer, action: "MERGED", commit: git.sha(marks[id - 1]!) });
    if (state === "DECLINED") activities.push({ id: activityId++, at, user: reviewer, action: "DECLINED" });
    const approved = activities.some((activity) => activity.action === "APPROVED");
    pullRequests.push({
      id, title: `Change ${id}`, description: `Pull request ${id} of ${fullName}.`, state, draft: false, author, createdAt, updatedAt: at,
      from: { branch: `change-${id}`, commit: git.sha(marks[id - 1]!), repository: fullName },
      to: { branch: "main", commit: git.sha(root), repository: fullName },
      reviewers: [{ user: reviewer, status: approved ? "APPROVED" : "UNAPPROVED" }],
      activities,
    });
  }
  return { git, pullRequests, lfs: new Map() };
}
