/**
 * The showcase: acme/rocket holds one example of every kind of object a GitHub import reads,
 * written by hand so tests can state exact expectations (`showcaseExpectations()`, README.md).
 *
 *   #1 issue, open: labels, milestone, two assignees, reactions, attachments, every reference
 *      form (#2, GH-3, acme/rocket#4, a full URL to pull 5), mentions (@bob, @dan = daniel's old
 *      login), comments by bob and ghost; labeled, assigned, milestoned, renamed, cross-referenced
 *   #2 issue, closed as completed after a reopen: unlabeled, demilestoned, unassigned, closed, reopened
 *   #3 issue by ghost (deleted user), closed as not planned
 *   #4 pull request by bob, merged by alice, with attachments in its description, a comment, a
 *      review body and a review comment (and the v1.0.0 release description has one too): daniel COMMENTED, erin APPROVED then
 *      CHANGES_REQUESTED (withdrawn), carol APPROVED; review comments on the RIGHT and LEFT
 *      sides, a multi-line range, a reply, a suggestion; review requested from alice, removed,
 *      requested from carol
 *   #5 pull request, open draft from a deleted fork (head.repo null; head only in refs/pull/5/head);
 *      daniel's approval DISMISSED, erin COMMENTED
 *   #6 pull request, closed without merging
 *   #7 pull request, open, two requested reviewers, two labels (after a label added and removed
 *      again), milestone, two assignees
 *   #8 issue, open and locked, comments mentioning #4 and @carol
 */
import { LFS_ATTRIBUTES, PlanBuilder, generatedBytes, lfsFiles, lfsMap, lfsObject } from "../common/git-content";
import type { HashedGitPlan } from "../common/git-objects";
import { ContentBuilder, gitIdentity, seconds } from "./generate";
import { WEB_PLACEHOLDER, type AttachmentRecord, type ItemRecord, type RepoSeed, type RepositoryContent } from "./model";
import { GITHUB_ACCOUNTS } from "./seed";

const { alice, bob, carol, daniel, erin, ghost } = GITHUB_ACCOUNTS;
const A = gitIdentity(alice);
const B = gitIdentity(bob);
const C = gitIdentity(carol);
const D = gitIdentity(daniel);
const t = seconds;

const SEQUENCER_V1 = [
  'export type Stage = "idle" | "fuelling" | "armed" | "launched";',
  "",
  "export class Sequencer {",
  '  private stage: Stage = "idle";',
  "  private count = 10;",
  "",
  "  advance(): Stage {",
  "    this.count -= 2;",
  '    return this.stage === "idle" ? "fuelling" : "armed";',
  "  }",
  "}",
  "",
].join("\n");
const SEQUENCER_V2 = SEQUENCER_V1.replace("this.count -= 2;", "this.count -= 1;").replace('    return this.stage === "idle" ? "fuelling" : "armed";', '    if (this.count === 0) return "launched";\n    return this.stage === "idle" ? "fuelling" : "armed";');

export const SHOWCASE_ATTACHMENTS = {
  screenshot: "/user-attachments/assets/6d1c1f0e-3b7a-4c4e-9d55-0a4d3f1b2c11",
  diagram: "/user-images/1001/215004321-launch-diagram.png",
  report: "/user-attachments/files/1234567/launch-report.pdf",
} as const;

/** Attachments linked from pull request #4's texts and the v1.0.0 release description, one per place. */
export const SHOWCASE_CONTENT_ATTACHMENTS = {
  pullRequestBody: "/user-attachments/assets/0b6f3a9e-58c4-4d0a-a3a8-3f1e5d2c7b40",
  pullRequestComment: "/user-attachments/files/2345678/countdown.log",
  reviewBody: "/user-images/1005/215009876-old-line.png",
  reviewComment: "/user-attachments/assets/4c2d8e71-9a3b-4f6e-8d10-b7a5c3e9f021",
  release: "/user-attachments/assets/9e8d7c6b-5a49-4382-b1c0-d9e8f7a6b5c4",
} as const;

const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function attachments(): AttachmentRecord[] {
  return [
    { path: SHOWCASE_ATTACHMENTS.screenshot, contentType: "image/png", bytes: () => generatedBytes("gh:screenshot", 2048, PNG_HEADER) },
    { path: SHOWCASE_ATTACHMENTS.diagram, contentType: "image/png", bytes: () => generatedBytes("gh:diagram", 4096, PNG_HEADER) },
    { path: SHOWCASE_ATTACHMENTS.report, contentType: "application/pdf", bytes: () => generatedBytes("gh:report", 3000, Buffer.from("%PDF-1.4\n")) },
    { path: SHOWCASE_CONTENT_ATTACHMENTS.pullRequestBody, contentType: "image/png", bytes: () => generatedBytes("gh:pull-body", 1500, PNG_HEADER) },
    { path: SHOWCASE_CONTENT_ATTACHMENTS.pullRequestComment, contentType: "text/plain", bytes: () => Buffer.from("10\n9\n8\n7\n6\n5\n4\n3\n2\n1\nlaunched\n") },
    { path: SHOWCASE_CONTENT_ATTACHMENTS.reviewBody, contentType: "image/png", bytes: () => generatedBytes("gh:review-body", 1200, PNG_HEADER) },
    { path: SHOWCASE_CONTENT_ATTACHMENTS.reviewComment, contentType: "image/png", bytes: () => generatedBytes("gh:review-comment", 1300, PNG_HEADER) },
    { path: SHOWCASE_CONTENT_ATTACHMENTS.release, contentType: "image/png", bytes: () => generatedBytes("gh:release", 1400, PNG_HEADER) },
  ];
}

export function showcaseLfsObjects() {
  return [
    lfsObject("assets/logo.png", generatedBytes("gh:logo", 5000, PNG_HEADER)),
    lfsObject("assets/design.psd", generatedBytes("gh:design", 12_345, Buffer.from("8BPS"))),
  ];
}

interface ShowcaseGit {
  readonly git: HashedGitPlan;
  readonly shas: { readonly featureTip: string; readonly forkTip: string; readonly abandonedTip: string; readonly telemetryTip: string; readonly merge: string; readonly base: string };
}

function showcaseGit(): ShowcaseGit {
  const lfs = showcaseLfsObjects();
  const p = new PlanBuilder();
  const init = p.add({ parents: [], message: "Initial commit", author: A, timestamp: t("2023-01-02T09:00:00Z"), files: { "README.md": "# rocket\n\nLaunch orchestration.\n", "src/sequencer.ts": SEQUENCER_V1, ".gitattributes": LFS_ATTRIBUTES } });
  const assets = p.add({ parents: [init], message: "Add artwork (LFS)", author: B, timestamp: t("2023-01-03T09:00:00Z"), files: lfsFiles(lfs) });
  const feature = p.add({ parents: [assets], message: "Count down one by one", author: B, timestamp: t("2023-01-12T09:00:00Z"), files: { "src/sequencer.ts": SEQUENCER_V2 } });
  const fork = p.add({ parents: [assets], message: "Fix typo in README", author: D, timestamp: t("2023-01-14T09:00:00Z"), files: { "README.md": "# rocket\n\nLaunch orchestration service.\n" } });
  const abandoned = p.add({ parents: [assets], message: "Try a faster countdown", author: C, timestamp: t("2023-01-15T09:00:00Z"), files: { "src/fast.ts": "export const fast = true;\n" } });
  const merge = p.add({ parents: [assets, feature], message: "Merge pull request #4 from acme/feature/countdown", author: A, timestamp: t("2023-01-20T12:00:00Z"), files: { "src/sequencer.ts": SEQUENCER_V2 } });
  const telemetry = p.add({ parents: [merge], message: "Add telemetry", author: C, timestamp: t("2023-02-01T09:00:00Z"), files: { "src/telemetry.ts": "export function send(): void {}\n" } });
  const release = p.add({ parents: [merge], message: "Release 1.x branch", author: A, timestamp: t("2023-02-02T09:00:00Z"), files: { "VERSION": "1.1.0\n" } });
  const git = p.plan(
    { main: merge, "feature/telemetry": telemetry, "feature/abandoned": abandoned, "release/1.x": release },
    [
      { name: "v1.0.0", target: merge, message: "Version 1.0.0", timestamp: t("2023-01-21T09:00:00Z"), tagger: A },
      { name: "v1.1.0", target: release },
    ],
    "main",
    [],
    { "refs/pull/4/head": feature, "refs/pull/5/head": fork, "refs/pull/6/head": abandoned, "refs/pull/7/head": telemetry },
  );
  return { git, shas: { featureTip: git.sha(feature), forkTip: git.sha(fork), abandonedTip: git.sha(abandoned), telemetryTip: git.sha(telemetry), merge: git.sha(merge), base: git.sha(assets) } };
}

function showcaseWiki(): HashedGitPlan {
  const p = new PlanBuilder();
  const home = p.add({ parents: [], message: "Create Home", author: A, timestamp: t("2023-01-05T09:00:00Z"), files: { "Home.md": "# Rocket wiki\n\nSee [[Launch Procedure]].\n" } });
  const procedure = p.add({ parents: [home], message: "Add launch procedure", author: B, timestamp: t("2023-01-06T09:00:00Z"), files: { "Launch-Procedure.md": "# Launch procedure\n\n1. Fuel\n2. Arm\n3. Launch\n" } });
  return p.plan({ master: procedure }, [], "master");
}

type Pull = NonNullable<ItemRecord["pull"]>;

/** An unmerged single-commit pull request into main. */
function openPull(head: Pull["head"], base: Pull["base"], fields: Partial<Pull> = {}): Pull {
  return { draft: false, head, base, merged_at: null, merged_by: null, merge_commit_sha: null, requested_reviewers: [], commits: 1, additions: 1, deletions: 0, changed_files: 1, ...fields };
}

export function showcaseContent(repository: RepoSeed): RepositoryContent {
  const { git, shas } = showcaseGit();
  const b = new ContentBuilder(repository);
  const web = WEB_PLACEHOLDER;
  const bug = b.label("bug", "d73a4a", "Something isn't working");
  const enhancement = b.label("enhancement", "a2eeef", "New feature or request");
  b.label("good first issue", "7057ff", "Good for newcomers");
  const priority = b.label("priority: high", "b60205", "Fix before the next launch");
  b.label("wontfix", "ffffff", null);
  const v10 = b.milestone({ title: "v1.0", description: "First launch", state: "closed", creator: alice.id, created_at: "2023-01-02T10:00:00Z", updated_at: "2023-01-21T10:00:00Z", closed_at: "2023-01-21T10:00:00Z", due_on: "2023-01-31T08:00:00Z" });
  const v11 = b.milestone({ title: "v1.1", description: "Telemetry", state: "open", creator: alice.id, created_at: "2023-01-22T10:00:00Z", updated_at: "2023-01-22T10:00:00Z", closed_at: null, due_on: "2023-06-30T07:00:00Z" });
  b.milestone({ title: "Someday", description: null, state: "open", creator: bob.id, created_at: "2023-01-23T10:00:00Z", updated_at: "2023-01-23T10:00:00Z", closed_at: null, due_on: null });
  b.attachments.push(...attachments());

  // #1
  b.item({
    title: "Countdown skips 3",
    body: [
      "The countdown goes 10, 8, 6 … it skips odd numbers.",
      "",
      `![screenshot](${web}${SHOWCASE_ATTACHMENTS.screenshot})`,
      `<img width="400" alt="diagram" src="${web}${SHOWCASE_ATTACHMENTS.diagram}">`,
      `Report: [launch-report.pdf](${web}${SHOWCASE_ATTACHMENTS.report})`,
      "",
      `Same as #2, see GH-3 and acme/rocket#4, fixed by ${web}/acme/rocket/pull/5.`,
      "cc @bob and @dan",
    ].join("\n"),
    user: alice.id,
    state: "open",
    labels: [bug.name, priority.name],
    milestone: v10.number,
    assignees: [bob.id, carol.id],
    created_at: "2023-01-10T09:00:00Z",
    updated_at: "2023-01-16T09:00:00Z",
    closed_at: null,
    reactions: { "+1": 3, heart: 1, rocket: 2 },
  });
  b.comment({ number: 1, user: bob.id, body: "I can reproduce it. Looking at `advance()`.", created_at: "2023-01-10T10:00:00Z", reactions: { eyes: 1 } });
  b.comment({ number: 1, user: ghost.id, body: "Same here (from an account that was deleted since).", created_at: "2023-01-10T11:00:00Z" });
  b.event({ number: 1, event: "labeled", actor: alice.id, created_at: "2023-01-10T09:01:00Z", label: bug.name });
  b.event({ number: 1, event: "labeled", actor: alice.id, created_at: "2023-01-10T09:02:00Z", label: priority.name });
  b.event({ number: 1, event: "assigned", actor: alice.id, created_at: "2023-01-10T09:03:00Z", subject: bob.id });
  b.event({ number: 1, event: "assigned", actor: alice.id, created_at: "2023-01-10T09:04:00Z", subject: carol.id });
  b.event({ number: 1, event: "milestoned", actor: alice.id, created_at: "2023-01-10T09:05:00Z", milestone: v10.title });
  b.event({ number: 1, event: "renamed", actor: alice.id, created_at: "2023-01-10T12:00:00Z", rename: { from: "Countdown is wrong", to: "Countdown skips 3" } });
  b.event({ number: 1, event: "cross-referenced", actor: daniel.id, created_at: "2023-01-14T09:00:00Z", source: 5 });

  // #2
  b.item({ title: "Launch button is hard to find", body: "Move it to the top.", user: bob.id, state: "closed", state_reason: "completed", labels: [], milestone: null, assignees: [], created_at: "2023-01-11T09:00:00Z", updated_at: "2023-01-13T09:00:00Z", closed_at: "2023-01-13T09:00:00Z", closed_by: alice.id });
  b.event({ number: 2, event: "labeled", actor: bob.id, created_at: "2023-01-11T09:01:00Z", label: enhancement.name });
  b.event({ number: 2, event: "milestoned", actor: bob.id, created_at: "2023-01-11T09:02:00Z", milestone: v11.title });
  b.event({ number: 2, event: "assigned", actor: bob.id, created_at: "2023-01-11T09:03:00Z", subject: erin.id });
  b.event({ number: 2, event: "closed", actor: carol.id, created_at: "2023-01-12T09:00:00Z" });
  b.event({ number: 2, event: "reopened", actor: bob.id, created_at: "2023-01-12T10:00:00Z" });
  b.comment({ number: 2, user: bob.id, body: "Reopening: still hidden on small screens.", created_at: "2023-01-12T10:01:00Z" });
  b.event({ number: 2, event: "unlabeled", actor: alice.id, created_at: "2023-01-13T08:57:00Z", label: enhancement.name });
  b.event({ number: 2, event: "demilestoned", actor: alice.id, created_at: "2023-01-13T08:58:00Z", milestone: v11.title });
  b.event({ number: 2, event: "unassigned", actor: alice.id, created_at: "2023-01-13T08:59:00Z", subject: erin.id });
  b.event({ number: 2, event: "closed", actor: alice.id, created_at: "2023-01-13T09:00:00Z" });

  // #3
  b.item({ title: "Add a self-destruct button", body: "Obviously.", user: ghost.id, state: "closed", state_reason: "not_planned", labels: [], milestone: null, assignees: [], created_at: "2023-01-11T12:00:00Z", updated_at: "2023-01-12T12:00:00Z", closed_at: "2023-01-12T12:00:00Z", closed_by: carol.id });
  b.event({ number: 3, event: "closed", actor: carol.id, created_at: "2023-01-12T12:00:00Z" });

  // #4
  const repoName = `${repository.owner}/${repository.name}`;
  b.item({
    title: "Count down one by one",
    body: `Fixes #1.\n\nThe sequencer now decrements by one.\n\n![countdown chart](${web}${SHOWCASE_CONTENT_ATTACHMENTS.pullRequestBody})`,
    user: bob.id,
    state: "closed",
    labels: [bug.name],
    milestone: v10.number,
    assignees: [bob.id],
    created_at: "2023-01-12T09:30:00Z",
    updated_at: "2023-01-20T12:00:00Z",
    closed_at: "2023-01-20T12:00:00Z",
    closed_by: alice.id,
    reactions: { hooray: 2 },
    pull: {
      draft: false,
      head: { ref: "feature/countdown", sha: shas.featureTip, repo: repoName, owner: "acme" },
      base: { ref: "main", sha: shas.base, repo: repoName, owner: "acme" },
      merged_at: "2023-01-20T12:00:00Z",
      merged_by: alice.id,
      merge_commit_sha: shas.merge,
      requested_reviewers: [],
      commits: 1,
      additions: 2,
      deletions: 1,
      changed_files: 1,
    },
  });
  b.event({ number: 4, event: "review_requested", actor: bob.id, created_at: "2023-01-12T09:31:00Z", subject: alice.id });
  b.event({ number: 4, event: "review_request_removed", actor: bob.id, created_at: "2023-01-12T09:32:00Z", subject: alice.id });
  b.event({ number: 4, event: "review_requested", actor: bob.id, created_at: "2023-01-12T09:33:00Z", subject: carol.id });
  const first = b.review({ number: 4, user: daniel.id, state: "COMMENTED", body: "", submitted_at: "2023-01-13T09:00:00Z", commit_id: shas.featureTip });
  const right = b.reviewComment({ number: 4, review_id: first.id, user: daniel.id, body: `Why one? Explain in a comment.\n\n![where](${web}${SHOWCASE_CONTENT_ATTACHMENTS.reviewComment})`, path: "src/sequencer.ts", diff_hunk: "@@ -5,7 +5,8 @@ export class Sequencer {\n   private count = 10;\n \n   advance(): Stage {\n-    this.count -= 2;\n+    this.count -= 1;", commit_id: shas.featureTip, side: "RIGHT", line: 8, created_at: "2023-01-13T09:00:00Z" });
  b.reviewComment({ number: 4, review_id: first.id, user: bob.id, body: "Because the countdown must hit every number.", path: "src/sequencer.ts", diff_hunk: "@@ -5,7 +5,8 @@ export class Sequencer {\n   private count = 10;\n \n   advance(): Stage {\n-    this.count -= 2;\n+    this.count -= 1;", commit_id: shas.featureTip, side: "RIGHT", line: 8, in_reply_to_id: right.id, created_at: "2023-01-13T10:00:00Z" });
  b.review({ number: 4, user: erin.id, state: "APPROVED", body: "Fine by me.", submitted_at: "2023-01-14T09:00:00Z", commit_id: shas.featureTip });
  const change = b.review({ number: 4, user: erin.id, state: "CHANGES_REQUESTED", body: `Wait: the old line had a reason.\n\n<img alt="old line" src="${web}${SHOWCASE_CONTENT_ATTACHMENTS.reviewBody}">`, submitted_at: "2023-01-15T09:00:00Z", commit_id: shas.featureTip });
  b.reviewComment({ number: 4, review_id: change.id, user: erin.id, body: "This removed line handled the double step.", path: "src/sequencer.ts", diff_hunk: "@@ -5,7 +5,8 @@ export class Sequencer {\n   private count = 10;\n \n   advance(): Stage {\n-    this.count -= 2;", commit_id: shas.featureTip, side: "LEFT", line: 8, created_at: "2023-01-15T09:00:00Z" });
  const carolReview = b.review({ number: 4, user: carol.id, state: "APPROVED", body: "Approved with a suggestion.", submitted_at: "2023-01-16T09:00:00Z", commit_id: shas.featureTip });
  b.reviewComment({
    number: 4,
    review_id: carolReview.id,
    user: carol.id,
    body: "Simpler:\n```suggestion\n    if (this.count <= 0) return \"launched\";\n```",
    path: "src/sequencer.ts",
    diff_hunk: "@@ -5,7 +5,9 @@ export class Sequencer {\n   private count = 10;\n \n   advance(): Stage {\n-    this.count -= 2;\n+    this.count -= 1;\n+    if (this.count === 0) return \"launched\";",
    commit_id: shas.featureTip,
    side: "RIGHT",
    start_line: 8,
    start_side: "RIGHT",
    line: 9,
    created_at: "2023-01-16T09:00:00Z",
  });
  b.event({ number: 4, event: "merged", actor: alice.id, created_at: "2023-01-20T12:00:00Z", commit_id: shas.merge });
  b.event({ number: 4, event: "closed", actor: alice.id, created_at: "2023-01-20T12:00:00Z" });
  b.comment({ number: 4, user: alice.id, body: `Merging: thanks @bob! Run log: [countdown.log](${web}${SHOWCASE_CONTENT_ATTACHMENTS.pullRequestComment})`, created_at: "2023-01-20T11:59:00Z" });

  // #5
  b.item({
    title: "Fix typo in README",
    body: `Spotted while reading. Mentions #1 and ${web}/acme/rocket/issues/1.`,
    user: daniel.id,
    state: "open",
    labels: [],
    milestone: null,
    assignees: [],
    created_at: "2023-01-14T09:00:00Z",
    updated_at: "2023-01-18T09:00:00Z",
    closed_at: null,
    pull: openPull({ ref: "fix-typo", sha: shas.forkTip, repo: null, owner: "daniel" }, { ref: "main", sha: shas.base, repo: repoName, owner: "acme" }, { draft: true, deletions: 1 }),
  });
  b.review({ number: 5, user: alice.id, state: "DISMISSED", body: "Approved too early.", submitted_at: "2023-01-15T09:00:00Z", commit_id: shas.forkTip });
  b.review({ number: 5, user: erin.id, state: "COMMENTED", body: "Nice catch.", submitted_at: "2023-01-16T09:00:00Z", commit_id: shas.forkTip });

  // #6
  b.item({
    title: "Faster countdown",
    body: "Experiment.",
    user: carol.id,
    state: "closed",
    labels: [enhancement.name],
    milestone: null,
    assignees: [],
    created_at: "2023-01-15T09:00:00Z",
    updated_at: "2023-01-17T09:00:00Z",
    closed_at: "2023-01-17T09:00:00Z",
    closed_by: carol.id,
    pull: openPull({ ref: "feature/abandoned", sha: shas.abandonedTip, repo: repoName, owner: "acme" }, { ref: "main", sha: shas.base, repo: repoName, owner: "acme" }),
  });
  b.event({ number: 6, event: "closed", actor: carol.id, created_at: "2023-01-17T09:00:00Z" });

  // #7
  b.item({
    title: "Add telemetry",
    body: "Sends launch metrics. Part of acme/rocket#1 follow-ups.",
    user: carol.id,
    state: "open",
    labels: [enhancement.name, priority.name],
    milestone: v11.number,
    assignees: [carol.id, bob.id],
    created_at: "2023-02-01T10:00:00Z",
    updated_at: "2023-02-01T10:05:00Z",
    closed_at: null,
    pull: openPull({ ref: "feature/telemetry", sha: shas.telemetryTip, repo: repoName, owner: "acme" }, { ref: "main", sha: shas.merge, repo: repoName, owner: "acme" }, { requested_reviewers: [bob.id, erin.id] }),
  });
  b.event({ number: 7, event: "labeled", actor: carol.id, created_at: "2023-02-01T10:00:10Z", label: bug.name });
  b.event({ number: 7, event: "labeled", actor: carol.id, created_at: "2023-02-01T10:00:20Z", label: enhancement.name });
  b.event({ number: 7, event: "labeled", actor: carol.id, created_at: "2023-02-01T10:00:30Z", label: priority.name });
  b.event({ number: 7, event: "unlabeled", actor: carol.id, created_at: "2023-02-01T10:00:40Z", label: bug.name });
  b.event({ number: 7, event: "milestoned", actor: carol.id, created_at: "2023-02-01T10:00:50Z", milestone: v11.title });
  b.event({ number: 7, event: "assigned", actor: carol.id, created_at: "2023-02-01T10:00:55Z", subject: carol.id });
  b.event({ number: 7, event: "assigned", actor: carol.id, created_at: "2023-02-01T10:00:56Z", subject: bob.id });
  b.event({ number: 7, event: "review_requested", actor: carol.id, created_at: "2023-02-01T10:01:00Z", subject: bob.id });
  b.event({ number: 7, event: "review_requested", actor: carol.id, created_at: "2023-02-01T10:02:00Z", subject: erin.id });

  // #8
  b.item({ title: "Document the launch procedure", body: "The wiki has a draft.", user: erin.id, state: "open", locked: true, labels: [], milestone: null, assignees: [], created_at: "2023-02-02T09:00:00Z", updated_at: "2023-02-02T11:00:00Z", closed_at: null });
  b.comment({ number: 8, user: erin.id, body: "Depends on #4 being released. @carol can you review?", created_at: "2023-02-02T10:00:00Z" });
  b.comment({ number: 8, user: carol.id, body: `Yes, after ${web}/acme/rocket/pull/7 lands.`, created_at: "2023-02-02T11:00:00Z" });

  b.releases.push(
    {
      id: b.id(),
      tag_name: "v1.0.0",
      target_commitish: "main",
      name: "Version 1.0.0",
      body: `First launch. Fixes #1 (see #4).\n\n![launch](${web}${SHOWCASE_CONTENT_ATTACHMENTS.release})`,
      draft: false,
      prerelease: false,
      author: alice.id,
      created_at: "2023-01-21T09:00:00Z",
      published_at: "2023-01-21T10:00:00Z",
      assets: [
        { id: b.id(), name: "rocket-linux-x64.tar.gz", label: "Linux build", content_type: "application/gzip", size: 123_456, download_count: 42, created_at: "2023-01-21T10:00:00Z", uploader: alice.id },
        { id: b.id(), name: "checksums.txt", label: null, content_type: "text/plain", size: 120, download_count: 7, created_at: "2023-01-21T10:00:00Z", uploader: alice.id },
      ],
    },
    { id: b.id(), tag_name: "v1.1.0", target_commitish: "release/1.x", name: "Version 1.1.0 beta", body: "Telemetry preview.", draft: false, prerelease: true, author: carol.id, created_at: "2023-02-02T09:00:00Z", published_at: "2023-02-02T09:30:00Z", assets: [] },
  );

  return b.content(git, {
    wiki: showcaseWiki(),
    lfs: lfsMap(showcaseLfsObjects()),
    protections: {
      main: { required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true, required_status_checks: ["ci/build"], enforce_admins: true, allow_force_pushes: false, allow_deletions: false, push_users: null },
      "release/1.x": { required_approving_review_count: null, dismiss_stale_reviews: false, require_code_owner_reviews: false, required_status_checks: [], enforce_admins: false, allow_force_pushes: false, allow_deletions: false, push_users: ["alice"] },
    },
  });
}

/** What tests may rely on in acme/rocket. */
export function showcaseExpectations() {
  return {
    repository: "acme/rocket",
    id: 7001,
    issues: [1, 2, 3, 8],
    pullRequests: [4, 5, 6, 7],
    merged: [4],
    draft: [5],
    /** Logins whose latest review is APPROVED, per pull request. */
    approvals: { 4: ["carol"], 5: [], 6: [], 7: [] } as Record<number, string[]>,
    requestedReviewers: { 7: ["bob", "erin"] } as Record<number, string[]>,
    /** Labels, milestone and assignees (in GitHub's order) of pull request #7 as it is now. */
    pullRequestAssignments: { 7: { labels: ["enhancement", "priority: high"], milestone: "v1.1", assignees: ["carol", "bob"] } } as Record<number, { labels: string[]; milestone: string; assignees: string[] }>,
    labels: 5,
    milestones: 3,
    releases: 2,
    issueComments: 6,
    reviewComments: 4,
    reviews: 6,
    protectedBranches: ["main", "release/1.x"],
    collaborators: { bob: "write", carol: "maintain", daniel: "read", erin: "triage" } as Record<string, string>,
    lfsObjects: 2,
    wikiPages: ["Home.md", "Launch-Procedure.md"],
    /** Issue #1's attachments. */
    attachments: Object.values(SHOWCASE_ATTACHMENTS),
    /** The attachment of each other place a text can link one from. */
    contentAttachments: SHOWCASE_CONTENT_ATTACHMENTS,
  };
}
