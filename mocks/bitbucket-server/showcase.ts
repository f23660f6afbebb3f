/**
 * The showcase repository (ACME/showcase) and its two forks: one pull request per rule of the
 * import, so tests and the demo see each of them.
 *
 *  1 open, alice: a general comment with nested replies and tasks, inline comments on an added
 *    line (new side), a removed line (old side), an orphaned anchor and a line outside the file;
 *    bob approved, dave approved then withdrew; rescoped (a system note)
 *  2 merged by alice, bob's, approved by alice; a comment by the deactivated carol
 *  3 declined by bob, carol's; its branch is gone, its commit only under refs/pull-requests/3/from
 *  4 open draft, dave's (dave's e-mail matches a Ferry user in the tests)
 *  5 from bob's public fork ~BOB/showcase
 *  6 from carol's private fork ~CAROL/showcase (unreadable to everyone else)
 *  7 declined, then reopened
 */
import { LFS_ATTRIBUTES, PlanBuilder, generatedBytes, lfsFiles, lfsMap, lfsObject, type LfsObject } from "../common/git-content";
import type { GitIdentity, HashedGitPlan } from "../common/git-objects";
import type { Activity, RepositoryContent, ServerComment, ServerPullRequest, ServerUser } from "./model";
import { SERVER_USERS, SHOWCASE_REPOSITORY } from "./seed";

const START = Date.UTC(2025, 0, 6, 9, 0, 0);
const HOUR = 3_600_000;

export function gitIdentity(user: ServerUser): GitIdentity {
  return { name: user.displayName, email: user.emailAddress };
}

const lines = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `${prefix} ${index + 1}`).join("\n") + "\n";

export const SHOWCASE_LFS: readonly LfsObject[] = [lfsObject("assets/logo.png", generatedBytes("showcase-logo", 2048, Buffer.from("\x89PNG\r\n\x1a\n", "latin1")))];

type ShowcasePlans = { main: HashedGitPlan; bobFork: HashedGitPlan; carolFork: HashedGitPlan; marks: Record<string, number> };

function showcasePlans(): ShowcasePlans {
  const plan = new PlanBuilder();
  const at = (hours: number) => Math.floor((START + hours * HOUR) / 1000);
  const { alice, bob, carol, dave } = SERVER_USERS;
  const appLines = lines(12, "const line =");
  const initial = plan.add({ parents: [], message: "Initial commit", author: gitIdentity(alice), timestamp: at(0), files: { "README.md": lines(5, "Readme line"), "src/app.ts": appLines, "CHANGELOG.md": "# Changelog\n", ".gitattributes": LFS_ATTRIBUTES } });
  const logo = plan.add({ parents: [initial], message: "Add the logo", author: gitIdentity(bob), timestamp: at(1), files: lfsFiles(SHOWCASE_LFS) });
  const appWithoutLine3 = appLines.split("\n").filter((_, index) => index !== 2).join("\n");
  const login = plan.add({ parents: [logo], message: "Add login", author: gitIdentity(alice), timestamp: at(2), files: { "src/login.ts": lines(6, "login step"), "src/app.ts": appWithoutLine3 } });
  const guide = plan.add({ parents: [logo], message: "Write the guide", author: gitIdentity(bob), timestamp: at(3), files: { "docs/guide.md": lines(8, "Guide line") } });
  const merge = plan.add({ parents: [logo, guide], message: "Merge pull request #2 in ACME/showcase from feature/guide to main", author: gitIdentity(alice), timestamp: at(5), files: { "docs/guide.md": lines(8, "Guide line") } });
  const experiment = plan.add({ parents: [logo], message: "Try an experiment", author: gitIdentity(carol), timestamp: at(6), files: { "experiments.txt": "maybe\n" } });
  const draft = plan.add({ parents: [merge], message: "Draft work", author: gitIdentity(dave), timestamp: at(7), files: { "draft.txt": "not ready\n" } });
  const bobFork = plan.add({ parents: [merge], message: "Fork change", author: gitIdentity(bob), timestamp: at(8), files: { "fork.txt": "from bob's fork\n" } });
  const carolFork = plan.add({ parents: [merge], message: "Carol's fork change", author: gitIdentity(carol), timestamp: at(9), files: { "carol.txt": "from carol's fork\n" } });
  const reopened = plan.add({ parents: [merge], message: "Reopened work", author: gitIdentity(alice), timestamp: at(10), files: { "reopened.txt": "again\n" } });
  const tags = [
    { name: "v1.0", target: logo, message: "First release", timestamp: at(1), tagger: gitIdentity(bob) },
    { name: "v1.1", target: merge },
  ];
  const marks = { initial, logo, login, guide, merge, experiment, draft, bobFork, carolFork, reopened };
  const pullRequestRefs = { "refs/pull-requests/1/from": login, "refs/pull-requests/2/from": guide, "refs/pull-requests/3/from": experiment, "refs/pull-requests/4/from": draft, "refs/pull-requests/7/from": reopened };
  return {
    main: plan.plan({ main: merge, "feature/login": login, "feature/draft": draft, "feature/reopened": reopened }, tags, "main", [], pullRequestRefs),
    bobFork: plan.plan({ main: merge, "feature/fork": bobFork }, [], "main"),
    carolFork: plan.plan({ main: merge, "carol-fork": carolFork }, [], "main"),
    marks,
  };
}

function comment(id: number, author: string, hours: number, text: string, replies: ServerComment[] = [], tasks: ServerComment["tasks"] = []): ServerComment {
  return { id, text, author, at: START + hours * HOUR, replies, tasks };
}

export function showcaseContent(): { showcase: RepositoryContent; bobFork: RepositoryContent; carolFork: RepositoryContent } {
  const plans = showcasePlans();
  const sha = (mark: string) => plans.main.sha(plans.marks[mark]!);
  const ref = (branch: string, mark: string, repository = SHOWCASE_REPOSITORY) => ({ branch, commit: sha(mark), repository });
  const main = (mark = "merge") => ref("main", mark);
  let activityId = 100;
  const t = (hours: number) => START + hours * HOUR;
  const act = <A extends Omit<Activity, "id">>(activity: A) => ({ id: activityId++, ...activity }) as Activity;
  const base = { description: "", draft: false, reviewers: [] } as const;

  const pullRequests: ServerPullRequest[] = [
    {
      ...base, id: 1, title: "Add login", description: "Adds a **login** step.\n\nSee `src/login.ts`.", state: "OPEN", author: "alice", createdAt: t(2), updatedAt: t(20),
      from: ref("feature/login", "login"), to: main(),
      reviewers: [{ user: "bob", status: "APPROVED" }, { user: "dave", status: "UNAPPROVED" }],
      activities: [
        act({ at: t(2), user: "alice", action: "OPENED" }),
        act({ at: t(11), user: "bob", action: "COMMENTED", comment: comment(11, "bob", 11, "Looks good overall, a few questions.", [
          comment(12, "alice", 12, "Thanks! Which ones?", [comment(13, "bob", 13, "The docs need an update.", [], [{ id: 2, text: "Update the docs", state: "OPEN" }])]),
          comment(14, "dave", 12.5, "I agree with Bob."),
        ], [{ id: 1, text: "Run the tests", state: "RESOLVED" }]) }),
        act({ at: t(14), user: "bob", action: "COMMENTED", comment: comment(21, "bob", 14, "Why a new file for this?", [comment(22, "alice", 15, "It keeps app.ts small.")]), anchor: { path: "src/login.ts", line: 2, lineType: "ADDED", fileType: "TO" } }),
        act({ at: t(15), user: "dave", action: "COMMENTED", comment: comment(23, "dave", 15, "This line was still used."), anchor: { path: "src/app.ts", line: 3, lineType: "REMOVED", fileType: "FROM" } }),
        act({ at: t(16), user: "bob", action: "COMMENTED", comment: comment(24, "bob", 16, "This comment's line is gone."), anchor: { path: "src/app.ts", line: 4, lineType: "CONTEXT", fileType: "TO", orphaned: true } }),
        act({ at: t(16.5), user: "alice", action: "COMMENTED", comment: comment(25, "alice", 16.5, "A line the file does not have."), anchor: { path: "README.md", line: 40, lineType: "CONTEXT", fileType: "TO" } }),
        act({ at: t(17), user: "bob", action: "APPROVED" }),
        act({ at: t(17.5), user: "dave", action: "APPROVED" }),
        act({ at: t(18), user: "dave", action: "UNAPPROVED" }),
        act({ at: t(18.5), user: "dave", action: "REVIEWED" }),
        act({ at: t(19), user: "alice", action: "RESCOPED", fromHash: sha("login"), previousFromHash: sha("logo") }),
        act({ at: t(20), user: "alice", action: "UPDATED" }),
      ],
    },
    {
      ...base, id: 2, title: "Write the guide", description: "The user guide.", state: "MERGED", author: "bob", createdAt: t(3), updatedAt: t(5),
      from: ref("feature/guide", "guide"), to: main("logo"), reviewers: [{ user: "alice", status: "APPROVED" }],
      activities: [
        act({ at: t(3), user: "bob", action: "OPENED" }),
        act({ at: t(3.5), user: "carol", action: "COMMENTED", comment: comment(31, "carol", 3.5, "Nice guide.") }),
        act({ at: t(4), user: "alice", action: "APPROVED" }),
        act({ at: t(5), user: "alice", action: "MERGED", commit: sha("merge") }),
      ],
    },
    {
      ...base, id: 3, title: "Try an experiment", state: "DECLINED", author: "carol", createdAt: t(6), updatedAt: t(6.5),
      from: ref("feature/experiment", "experiment"), to: main("logo"),
      activities: [act({ at: t(6), user: "carol", action: "OPENED" }), act({ at: t(6.5), user: "bob", action: "DECLINED" })],
    },
    {
      ...base, id: 4, title: "Draft: work in progress", state: "OPEN", draft: true, author: "dave", createdAt: t(7), updatedAt: t(7),
      from: ref("feature/draft", "draft"), to: main(), activities: [act({ at: t(7), user: "dave", action: "OPENED" })],
    },
    {
      ...base, id: 5, title: "Change from bob's fork", state: "OPEN", author: "bob", createdAt: t(8), updatedAt: t(8),
      from: { branch: "feature/fork", commit: plans.bobFork.sha(plans.marks.bobFork!), repository: "~BOB/showcase" }, to: main(),
      activities: [act({ at: t(8), user: "bob", action: "OPENED" })],
    },
    {
      ...base, id: 6, title: "Change from carol's private fork", state: "OPEN", author: "carol", createdAt: t(9), updatedAt: t(9),
      from: { branch: "carol-fork", commit: plans.carolFork.sha(plans.marks.carolFork!), repository: "~CAROL/showcase" }, to: main(),
      activities: [act({ at: t(9), user: "carol", action: "OPENED" })],
    },
    {
      ...base, id: 7, title: "Reopened work", state: "OPEN", author: "alice", createdAt: t(10), updatedAt: t(10.6),
      from: ref("feature/reopened", "reopened"), to: main(),
      activities: [act({ at: t(10), user: "alice", action: "OPENED" }), act({ at: t(10.3), user: "bob", action: "DECLINED" }), act({ at: t(10.6), user: "alice", action: "REOPENED" })],
    },
  ];
  const noPullRequests = { pullRequests: [], lfs: lfsMap(SHOWCASE_LFS) };
  return {
    showcase: { git: plans.main, pullRequests, lfs: lfsMap(SHOWCASE_LFS) },
    bobFork: { git: plans.bobFork, ...noPullRequests },
    carolFork: { git: plans.carolFork, ...noPullRequests },
  };
}
