/**
 * The showcase: acme/rocket-launcher holds every kind of object an import reads, written by
 * hand so tests can state exact expectations (see `showcaseExpectations()` and README.md).
 *
 * Related repositories:
 * - acme/rocket-launcher-experiments: a readable fork (source of pull request #7).
 * - coyote-labs/rocket-launcher: a private fork in a workspace no sandbox account belongs to
 *   (source of pull request #8; nobody can read it).
 * - a deleted fork (pull request #6 has `source.repository: null`; it was merged, so its commit
 *   is in acme/rocket-launcher through the merge commit).
 *
 * All three plans share acme/rocket-launcher's commits, so the hashes line up like real forks.
 */
import {
  arrayIssueStore,
  arrayPullRequestStore,
  type IssueCommentRecord,
  type IssueRecord,
  type LfsObject,
  type NamedRecord,
  type ParticipantRecord,
  type PullRequestCommentRecord,
  type PullRequestRecord,
  type RepositoryDetail,
} from "./content";
import type { HashedGitPlan } from "../common/git-objects";
import {
  LFS_ATTRIBUTES,
  PlanBuilder,
  detailOf,
  generatedBytes,
  identity,
  lfsFiles,
  lfsMap,
  lfsObject,
  mention,
  seconds,
  stamp,
  webLink,
} from "./generate";
import { SANDBOX_ACCOUNTS, SANDBOX_WORKSPACES, generateRepositories, type RepositoryRecord } from "./seed";

export const SHOWCASE_REPOSITORY = "acme/rocket-launcher";
export const SHOWCASE_FORK = "acme/rocket-launcher-experiments";
export const SHOWCASE_PRIVATE_FORK = "coyote-labs/rocket-launcher";

const { alice, bob, carol } = SANDBOX_ACCOUNTS;
const A = identity(alice);
const B = identity(bob);
const C = identity(carol);
const t = (iso: string) => seconds(iso);

// ---------------------------------------------------------------------------------------------
// Files

const README_V1 = "# rocket-launcher\n\nLaunch orchestration servce for the Road Runner programme.\n\nRun `npm start` to begin a countdown.\n";
const README_FIXED = README_V1.replace("servce", "service");
const README_FINAL = `${README_FIXED}\nDocumentation lives in the wiki.\n`;

const SEQUENCER_V1 = [
  'export type Stage = "idle" | "fuelling" | "armed" | "launched";',
  "",
  "export class Sequencer {",
  '  private stage: Stage = "idle";',
  "",
  "  advance(): Stage {",
  '    if (this.stage === "launched") return this.stage;',
  '    if (!this.safetyCheck()) throw new Error("safety check failed");',
  "    this.stage = next(this.stage);",
  "    return this.stage;",
  "  }",
  "",
  "  safetyCheck(): boolean {",
  "    return true;",
  "  }",
  "}",
  "",
  "function next(stage: Stage): Stage {",
  '  return stage === "idle" ? "fuelling" : stage === "fuelling" ? "armed" : "launched";',
  "}",
  "",
].join("\n");
/** Pull request #5 drops the safety check (line 8 of the old file): inline comment with `from` only. */
const SEQUENCER_WITHOUT_CHECK = SEQUENCER_V1.replace('    if (!this.safetyCheck()) throw new Error("safety check failed");\n', "");

const COUNTDOWN = [
  "export function countdown(from: number, tick: (n: number) => void): void {",
  "  for (let n = from; n >= 0; n--) {",
  "    tick(n);",
  "  }",
  "  // Never report a negative number, even if `from` is.",
  "  tick(Math.max(0, from - from));",
  "}",
  "",
].join("\n");

const COUNTDOWN_TEST = [
  'import { countdown } from "../src/countdown";',
  "",
  'test("counts down to zero", () => {',
  "  const seen: number[] = [];",
  "  countdown(3, (n) => seen.push(n));",
  "  expect(seen.slice(0, 4)).toEqual([3, 2, 1, 0]);",
  "});",
  "",
].join("\n");

const TELEMETRY_V1 = "export function record(counter: number, value: number): number {\n  return Math.min(counter + value, 2 ** 31 - 1);\n}\n";
const TELEMETRY_V2 = "export function record(counter: number, value: number): number {\n  const next = counter + Math.max(0, value);\n  return Math.min(next, 2 ** 31 - 1);\n}\n";

const abortFile = (confirm: boolean) =>
  [
    'import { Sequencer } from "./sequencer";',
    "",
    "export interface AbortOptions {",
    "  /** Ask before aborting. */",
    `  confirm: ${confirm ? "true" : "boolean"};`,
    "  timeoutMs?: number;",
    "}",
    "",
    "export function abort(sequencer: Sequencer, options: AbortOptions): boolean {",
    "  if (options.confirm) {",
    "    const answer = ask(\"Abort the launch?\", options.timeoutMs ?? 10_000);",
    "    if (!answer) return false;",
    "  }",
    "  sequencer.reset();",
    "  return true;",
    "}",
    "",
    "declare function ask(question: string, timeoutMs: number): boolean;",
    "",
  ].join("\n");

const CHANGELOG_100 = "# Changelog\n\n## 1.0.0\n\n- Launch sequencer.\n- Countdown.\n";

// ---------------------------------------------------------------------------------------------
// LFS objects

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PSD_SIGNATURE = Buffer.from("8BPS", "latin1");

let lfsCache: LfsObject[] | undefined;
/** The showcase's LFS objects: logo.png (first), telemetry sample, launch diagram. */
export function showcaseLfsObjects(): readonly LfsObject[] {
  lfsCache ??= [
    lfsObject("assets/logo.png", generatedBytes("rocket-launcher:logo", 12_345, PNG_SIGNATURE)),
    lfsObject("assets/telemetry/sample-001.bin", generatedBytes("rocket-launcher:sample-001", 40_000)),
    lfsObject("docs/launch-diagram.psd", generatedBytes("rocket-launcher:diagram", 8_192, PSD_SIGNATURE)),
  ];
  return lfsCache;
}

// ---------------------------------------------------------------------------------------------
// Git plans

interface ShowcaseMarks {
  initial: number;
  sequencer: number;
  lfs: number;
  release100: number;
  developStart: number;
  countdown1: number;
  countdown2: number;
  countdownMerge: number;
  telemetry1: number;
  telemetry2: number;
  telemetrySquash: number;
  rust: number;
  abortV1: number;
  abortV2a: number;
  abortV2b: number;
  windowFork: number;
  windowMerge: number;
  developConfig: number;
  release110: number;
  dashboard: number;
  readme: number;
}

let planCache: { plan: HashedGitPlan; marks: ShowcaseMarks; builder: PlanBuilder } | undefined;

function showcasePlan(): { plan: HashedGitPlan; marks: ShowcaseMarks; builder: PlanBuilder } {
  if (planCache) return planCache;
  const [logo, sample, diagram] = showcaseLfsObjects() as [LfsObject, LfsObject, LfsObject];
  const b = new PlanBuilder();
  const m = {} as ShowcaseMarks;
  m.initial = b.add({ parents: [], message: "Initial commit", author: A, timestamp: t("2024-03-04T09:15:27Z"), files: { "README.md": README_V1 }, branch: "main" });
  m.sequencer = b.add({
    parents: [m.initial],
    message: "Add launch sequencer",
    author: B,
    timestamp: t("2024-03-05T10:02:11Z"),
    files: {
      "package.json": '{\n  "name": "rocket-launcher",\n  "version": "1.0.0",\n  "scripts": { "start": "node dist/index.js" }\n}\n',
      "src/index.ts": 'export { Sequencer } from "./sequencer";\n',
      "src/sequencer.ts": SEQUENCER_V1,
    },
    branch: "main",
  });
  m.lfs = b.add({
    parents: [m.sequencer],
    message: "Track binary assets with Git LFS",
    author: A,
    timestamp: t("2024-03-07T14:30:00Z"),
    files: { ".gitattributes": LFS_ATTRIBUTES, ...lfsFiles([logo, sample]) },
    branch: "main",
  });
  m.release100 = b.add({ parents: [m.lfs], message: "Release 1.0.0", author: C, timestamp: t("2024-04-02T16:00:00Z"), files: { "CHANGELOG.md": CHANGELOG_100 }, branch: "main" });
  m.developStart = b.add({
    parents: [m.release100],
    message: "Start 1.1 development",
    author: B,
    timestamp: t("2024-04-03T09:00:00Z"),
    files: { "CHANGELOG.md": `${CHANGELOG_100}\n## Unreleased\n` },
    branch: "develop",
  });
  // PR #1: merged with a merge commit; the source branch was closed but its commits stay reachable.
  m.countdown1 = b.add({ parents: [m.release100], message: "Add countdown timer", author: C, timestamp: t("2024-04-10T10:30:00Z"), files: { "src/countdown.ts": COUNTDOWN }, branch: "feature/countdown" });
  m.countdown2 = b.add({ parents: [m.countdown1], message: "Test the countdown", author: C, timestamp: t("2024-04-11T15:45:00Z"), files: { "tests/countdown.test.ts": COUNTDOWN_TEST }, branch: "feature/countdown" });
  m.countdownMerge = b.add({
    parents: [m.release100, m.countdown2],
    message: "Merged in feature/countdown (pull request #1)\n\nAdd countdown timer\n\nApproved-by: Alice Anders\nApproved-by: Bob Brown",
    author: A,
    timestamp: t("2024-04-15T09:12:00Z"),
    files: b.filesOf([m.countdown1, m.countdown2]),
    branch: "main",
  });
  // PR #2: squash-merged, source branch deleted: its commits are NOT in the repository.
  m.telemetry1 = b.add({ parents: [m.countdownMerge], message: "Clamp telemetry counters", author: B, timestamp: t("2024-05-06T13:00:00Z"), files: { "src/telemetry.ts": TELEMETRY_V1 }, branch: "bugfix/telemetry-overflow" });
  m.telemetry2 = b.add({ parents: [m.telemetry1], message: "Handle negative readings", author: B, timestamp: t("2024-05-07T08:20:00Z"), files: { "src/telemetry.ts": TELEMETRY_V2 }, branch: "bugfix/telemetry-overflow" });
  m.telemetrySquash = b.add({
    parents: [m.countdownMerge],
    message: "Fix telemetry overflow (pull request #2)\n\n* Clamp telemetry counters\n* Handle negative readings",
    author: A,
    timestamp: t("2024-05-08T17:40:00Z"),
    files: { "src/telemetry.ts": TELEMETRY_V2 },
    branch: "main",
  });
  // PR #3: declined, branch deleted: not in the repository, no merge commit either.
  m.rust = b.add({
    parents: [m.release100],
    message: "Rewrite the sequencer in Rust",
    author: C,
    timestamp: t("2024-06-01T10:00:00Z"),
    files: { "sequencer-rs/Cargo.toml": '[package]\nname = "sequencer"\nversion = "0.1.0"\n', "sequencer-rs/src/main.rs": 'fn main() {\n    println!("3, 2, 1, liftoff");\n}\n' },
    branch: "feature/rust-sequencer",
  });
  // PR #4 (superseded) and #5 (open): both branches still exist.
  m.abortV1 = b.add({ parents: [m.telemetrySquash], message: "Add abort button", author: B, timestamp: t("2024-07-01T12:00:00Z"), files: { "src/abort.ts": abortFile(true) }, branch: "feature/abort-button" });
  m.abortV2a = b.add({
    parents: [m.telemetrySquash],
    message: "Add abort button with confirmation",
    author: B,
    timestamp: t("2024-07-08T09:30:00Z"),
    files: { "src/abort.ts": abortFile(false), "src/sequencer.ts": SEQUENCER_WITHOUT_CHECK },
    branch: "feature/abort-button-v2",
  });
  m.abortV2b = b.add({ parents: [m.abortV2a], message: "Address review comments", author: B, timestamp: t("2024-07-09T16:10:00Z"), files: { "README.md": README_FIXED }, branch: "feature/abort-button-v2" });
  // PR #6: from a fork that was deleted later; merged, so its commit is reachable here.
  m.windowFork = b.add({
    parents: [m.telemetrySquash],
    message: "Add launch window calculator",
    author: B,
    timestamp: t("2025-02-10T11:00:00Z"),
    files: { "src/window.ts": "export function inWindow(now: Date, opens: Date, closes: Date): boolean {\n  return now >= opens && now < closes;\n}\n" },
    branch: "launch-window",
  });
  m.windowMerge = b.add({
    parents: [m.telemetrySquash, m.windowFork],
    message: "Merged in bob-brown/rocket-launcher:launch-window (pull request #6)\n\nAdd launch window calculator",
    author: A,
    timestamp: t("2025-02-14T10:00:00Z"),
    files: b.filesOf([m.windowFork]),
    branch: "main",
  });
  m.developConfig = b.add({
    parents: [m.developStart],
    message: "Add telemetry configuration",
    author: B,
    timestamp: t("2025-03-01T08:00:00Z"),
    files: { "config/telemetry.json": '{\n  "intervalMs": 1000,\n  "retention": "30d"\n}\n' },
    branch: "develop",
  });
  m.release110 = b.add({
    parents: [m.windowMerge],
    message: "Release 1.1.0",
    author: A,
    timestamp: t("2025-03-20T15:00:00Z"),
    files: { "CHANGELOG.md": `${CHANGELOG_100}\n## 1.1.0\n\n- Telemetry overflow fix.\n- Launch windows.\n`, ...lfsFiles([diagram]) },
    branch: "main",
  });
  // PR #9: a draft from develop.
  m.dashboard = b.add({
    parents: [m.developConfig],
    message: "WIP: telemetry dashboard",
    author: C,
    timestamp: t("2026-10-20T13:00:00Z"),
    files: { "src/dashboard.ts": "export function render(): string {\n  return \"<h1>Telemetry</h1>\";\n}\n" },
    branch: "feature/telemetry-dashboard",
  });
  m.readme = b.add({ parents: [m.release110], message: "Update README", author: A, timestamp: t("2026-11-10T16:42:05Z"), files: { "README.md": README_FINAL }, branch: "main" });
  const plan = b.plan(
    {
      main: m.readme,
      develop: m.developConfig,
      "feature/abort-button": m.abortV1,
      "feature/abort-button-v2": m.abortV2b,
      "feature/telemetry-dashboard": m.dashboard,
    },
    [
      { name: "v1.0.0", target: m.release100, message: "Version 1.0.0", timestamp: t("2024-04-02T16:05:00Z"), tagger: C },
      // Lightweight tag.
      { name: "v1.1.0", target: m.release110 },
    ],
    "main",
  );
  planCache = { plan, marks: m, builder: b };
  return planCache;
}

let forkCache: { plan: HashedGitPlan; warp1: number; warp2: number } | undefined;
/**
 * acme/rocket-launcher-experiments, forked on 2025-05-01: the parent's branches and tags as they
 * were then (main at 1.1.0, develop), plus experiment/warp-drive.
 */
function forkPlan() {
  if (forkCache) return forkCache;
  const { plan: parent, marks } = showcasePlan();
  const b = new PlanBuilder(1001);
  const warp1 = b.add({ parents: [marks.release110], message: "Prototype warp drive", author: C, timestamp: t("2025-05-02T09:00:00Z"), files: { "src/warp.ts": "export const WARP_FACTOR = 1;\n" }, branch: "experiment/warp-drive" });
  const warp2 = b.add({ parents: [warp1], message: "Tune warp factor", author: C, timestamp: t("2025-05-03T18:30:00Z"), files: { "src/warp.ts": "export const WARP_FACTOR = 9;\n" }, branch: "experiment/warp-drive" });
  const plan = b.plan({ main: marks.release110, develop: marks.developConfig, "experiment/warp-drive": warp2 }, parentTags(parent), "main", parent.commits);
  forkCache = { plan, warp1, warp2 };
  return forkCache;
}

let privateForkCache: { plan: HashedGitPlan; anvil: number } | undefined;
/** coyote-labs/rocket-launcher, forked on 2025-09-09: nobody in the sandbox can read it. */
function privateForkPlan() {
  if (privateForkCache) return privateForkCache;
  const { plan: parent, marks } = showcasePlan();
  const b = new PlanBuilder(2001);
  const anvil = b.add({
    parents: [marks.release110],
    message: "Add anvil dropper",
    author: { name: "Wile E. Coyote", email: "wile@coyote-labs.example" },
    timestamp: t("2025-09-09T22:00:00Z"),
    files: { "src/anvil.ts": "export const ANVIL_KG = 1000;\n" },
    branch: "anvil",
  });
  const plan = b.plan({ main: marks.release110, develop: marks.developConfig, anvil }, parentTags(parent), "main", parent.commits);
  privateForkCache = { plan, anvil };
  return privateForkCache;
}

/** Forks copy the parent's tags. */
function parentTags(parent: HashedGitPlan) {
  return parent.tags.map((tag) => ({ ...tag }));
}

// ---------------------------------------------------------------------------------------------
// Wiki

function wikiPlan(): HashedGitPlan {
  const b = new PlanBuilder();
  const w1 = b.add({
    parents: [],
    message: "Initial wiki",
    author: A,
    timestamp: t("2024-03-06T12:00:00Z"),
    files: { "Home.md": "# Rocket Launcher\n\nWelcome! Read the [[Setup Guide]] first.\n\nKnown problems are tracked in issue #3.\n" },
  });
  const w2 = b.add({
    parents: [w1],
    message: "Add setup guide and a nested page",
    author: B,
    timestamp: t("2024-04-02T10:00:00Z"),
    files: {
      "Setup Guide.md": "# Setup Guide\n\n1. Install Node.js 20.\n2. Run `git lfs install` before cloning (assets are in LFS).\n3. `npm start`.\n\nSee also [Deep Page](docs/Deep%20Page).\n",
      "docs/Deep Page.md": "# Deep Page\n\nA page in a subdirectory, with a space in its name.\n\n![diagram](../assets/diagram.png)\n",
    },
  });
  const w3 = b.add({
    parents: [w2],
    message: "Add legacy notes (Creole)",
    author: C,
    timestamp: t("2024-08-01T17:00:00Z"),
    files: {
      "Legacy Notes.wiki": "= Legacy Notes =\n\nThis page uses **Creole** markup.\n\n* [[Home]]\n* [[Setup Guide|the setup guide]]\n\n{{{\nold-launcher --force\n}}}\n",
      "Home.md": "# Rocket Launcher\n\nWelcome! Read the [[Setup Guide]] first.\n\nKnown problems are tracked in issue #3. Older notes: [[Legacy Notes]].\n",
    },
  });
  return b.plan({ master: w3 }, [], "master");
}

// ---------------------------------------------------------------------------------------------
// Pull requests

interface CommentSpec {
  key: string;
  user: string | null;
  raw: string;
  at: string;
  parent?: string;
  inline?: { path: string; from: number | null; to: number | null };
  deleted?: boolean;
  pending?: boolean;
  editedAt?: string;
}

function approve(user: { uuid: string }, at: string, role: "REVIEWER" | "PARTICIPANT" = "REVIEWER"): ParticipantRecord {
  return { user: user.uuid, role, approved: true, state: "approved", participatedOn: stamp(t(at), 7) };
}
function reviewer(user: { uuid: string }, state: "changes_requested" | null = null, at: string | null = null): ParticipantRecord {
  return { user: user.uuid, role: "REVIEWER", approved: false, state, participatedOn: at ? stamp(t(at), 9) : null };
}
function participant(user: { uuid: string }, at: string): ParticipantRecord {
  return { user: user.uuid, role: "PARTICIPANT", approved: false, state: null, participatedOn: stamp(t(at), 11) };
}

const OTHER_REPOSITORY_PR = webLink("globex/open-api-specs/pull-requests/1");
/** Shares a prefix with acme/rocket-launcher: a naive substring rewrite would break it. */
const FORK_SOURCE_LINK = (hash: string) => webLink(`acme/rocket-launcher-experiments/src/${hash}/src/warp.ts#lines-1`);

let detailCache: RepositoryDetail | undefined;

function buildShowcase(repository: RepositoryRecord): RepositoryDetail {
  const { plan: git, marks: m } = showcasePlan();
  const fork = forkPlan();
  const privateFork = privateForkPlan();
  const sha = (mark: number) => git.sha(mark);
  const self = SHOWCASE_REPOSITORY;

  let nextCommentId = 510_000;
  const comments = new Map<number, PullRequestCommentRecord[]>();
  const addComments = (prId: number, specs: CommentSpec[]) => {
    const ids = new Map<string, number>();
    const list = specs.map((spec) => {
      const id = ++nextCommentId;
      ids.set(spec.key, id);
      return {
        id,
        user: spec.user,
        raw: spec.raw,
        createdOn: stamp(t(spec.at), id),
        updatedOn: stamp(t(spec.editedAt ?? spec.at), id + 1),
        deleted: spec.deleted ?? false,
        pending: spec.pending ?? false,
        parent: spec.parent ? ids.get(spec.parent)! : null,
        inline: spec.inline ?? null,
      } satisfies PullRequestCommentRecord;
    });
    comments.set(prId, list);
  };

  type PullRequestDefaults = "draft" | "mergeCommit" | "closeSourceBranch" | "closedBy" | "reason" | "reviewers" | "taskCount";
  /** Unless given: not a draft, not merged or closed by anyone, keeping its branch, without reviewers or tasks. */
  const pr = (record: Omit<PullRequestRecord, "createdOn" | "updatedOn" | "closedOn" | PullRequestDefaults> & Partial<Pick<PullRequestRecord, PullRequestDefaults>> & { created: string; updated: string; closed?: string }): PullRequestRecord => {
    const { created, updated, closed, ...rest } = record;
    return {
      draft: false,
      mergeCommit: null,
      closeSourceBranch: false,
      closedBy: null,
      reason: "",
      reviewers: [],
      taskCount: 0,
      ...rest,
      createdOn: stamp(t(created), rest.id),
      updatedOn: stamp(t(updated), rest.id + 100),
      closedOn: closed ? stamp(t(closed), rest.id + 200) : null,
    };
  };

  const pullRequests: PullRequestRecord[] = [
    pr({
      id: 1,
      title: "Add countdown timer",
      description: `Adds \`countdown()\` for the launch sequence.\n\nFixes ${webLink("acme/rocket-launcher/issues/1")}.\n\ncc ${mention(alice)}`,
      state: "MERGED",
      author: carol.uuid,
      source: { repository: self, branch: "feature/countdown", commit: sha(m.countdown2) },
      destination: { branch: "main", commit: sha(m.release100) },
      mergeCommit: sha(m.countdownMerge),
      closeSourceBranch: true,
      closedBy: alice.uuid,
      created: "2024-04-10T11:00:00Z",
      updated: "2024-04-15T09:12:30Z",
      closed: "2024-04-15T09:12:00Z",
      reviewers: [alice.uuid, bob.uuid],
      participants: [approve(alice, "2024-04-14T16:00:00Z"), approve(bob, "2024-04-12T09:30:00Z")],
    }),
    pr({
      id: 2,
      title: "Fix telemetry overflow",
      description: `Counters wrapped after 2^31 readings (${webLink("acme/rocket-launcher/issues/3")}).`,
      state: "MERGED",
      author: bob.uuid,
      source: { repository: self, branch: "bugfix/telemetry-overflow", commit: sha(m.telemetry2) },
      destination: { branch: "main", commit: sha(m.countdownMerge) },
      mergeCommit: sha(m.telemetrySquash),
      closeSourceBranch: true,
      closedBy: alice.uuid,
      created: "2024-05-06T13:30:00Z",
      updated: "2024-05-08T17:40:30Z",
      closed: "2024-05-08T17:40:00Z",
      reviewers: [alice.uuid],
      participants: [approve(alice, "2024-05-08T17:30:00Z")],
    }),
    pr({
      id: 3,
      title: "Experimental: rewrite the sequencer in Rust",
      description: "A spike to see whether Rust makes the sequencer faster.",
      state: "DECLINED",
      author: carol.uuid,
      source: { repository: self, branch: "feature/rust-sequencer", commit: sha(m.rust) },
      destination: { branch: "main", commit: sha(m.release100) },
      closedBy: alice.uuid,
      reason: "We are staying on TypeScript for now.",
      created: "2024-06-01T10:30:00Z",
      updated: "2024-06-04T08:00:30Z",
      closed: "2024-06-04T08:00:00Z",
      reviewers: [alice.uuid],
      participants: [reviewer(alice, "changes_requested", "2024-06-03T12:00:00Z"), participant(bob, "2024-06-03T12:30:00Z")],
    }),
    pr({
      id: 4,
      title: "Add abort button",
      description: "First attempt at an abort button.",
      state: "SUPERSEDED",
      author: bob.uuid,
      source: { repository: self, branch: "feature/abort-button", commit: sha(m.abortV1) },
      destination: { branch: "main", commit: sha(m.telemetrySquash) },
      created: "2024-07-01T12:30:00Z",
      updated: "2024-07-08T09:35:00Z",
      closed: "2024-07-08T09:35:00Z",
      reviewers: [carol.uuid],
      participants: [reviewer(carol)],
    }),
    pr({
      id: 5,
      title: "Add abort button with confirmation",
      description: `Supersedes ${webLink("acme/rocket-launcher/pull-requests/4")}.\n\n- asks before aborting\n- removes the redundant safety check\n\nCloses #2.`,
      state: "OPEN",
      author: bob.uuid,
      source: { repository: self, branch: "feature/abort-button-v2", commit: sha(m.abortV2b) },
      destination: { branch: "main", commit: sha(m.telemetrySquash) },
      closeSourceBranch: true,
      created: "2024-07-08T09:35:00Z",
      updated: "2024-07-12T10:00:00Z",
      reviewers: [alice.uuid, carol.uuid],
      participants: [approve(alice, "2024-07-11T15:00:00Z"), reviewer(carol, "changes_requested", "2024-07-10T09:00:00Z")],
      taskCount: 2,
    }),
    pr({
      id: 6,
      title: "Add launch window calculator",
      description: "Contributed from a fork that no longer exists.",
      state: "MERGED",
      author: bob.uuid,
      source: { repository: null, branch: "launch-window", commit: sha(m.windowFork) },
      destination: { branch: "main", commit: sha(m.telemetrySquash) },
      mergeCommit: sha(m.windowMerge),
      closedBy: alice.uuid,
      created: "2025-02-10T11:30:00Z",
      updated: "2025-02-14T10:00:30Z",
      closed: "2025-02-14T10:00:00Z",
      reviewers: [alice.uuid],
      participants: [approve(alice, "2025-02-13T09:00:00Z"), approve(carol, "2025-02-13T11:00:00Z", "PARTICIPANT")],
    }),
    pr({
      id: 7,
      title: "Warp drive prototype",
      description: `From our experiments fork: ${webLink("acme/rocket-launcher-experiments")}.`,
      state: "OPEN",
      author: carol.uuid,
      source: { repository: SHOWCASE_FORK, branch: "experiment/warp-drive", commit: fork.plan.sha(fork.warp2) },
      destination: { branch: "main", commit: sha(m.release110) },
      created: "2025-05-05T09:00:00Z",
      updated: "2025-05-06T14:00:00Z",
      reviewers: [bob.uuid],
      participants: [approve(bob, "2025-05-06T14:00:00Z")],
    }),
    pr({
      id: 8,
      title: "Add anvil dropper",
      description: "Opened from a private fork in another workspace.",
      state: "OPEN",
      author: carol.uuid,
      source: { repository: SHOWCASE_PRIVATE_FORK, branch: "anvil", commit: privateFork.plan.sha(privateFork.anvil) },
      destination: { branch: "main", commit: sha(m.release110) },
      created: "2025-09-10T08:00:00Z",
      updated: "2025-09-11T10:00:00Z",
      participants: [participant(alice, "2025-09-11T10:00:00Z")],
    }),
    pr({
      id: 9,
      title: "WIP: telemetry dashboard",
      description: "",
      state: "OPEN",
      draft: true,
      author: carol.uuid,
      source: { repository: self, branch: "feature/telemetry-dashboard", commit: sha(m.dashboard) },
      destination: { branch: "develop", commit: sha(m.developConfig) },
      closeSourceBranch: true,
      created: "2026-10-20T13:30:00Z",
      updated: "2026-10-20T13:30:00Z",
      participants: [],
    }),
  ];

  addComments(1, [
    { key: "q", user: bob.uuid, raw: `Nice! Does this handle pauses? See ${webLink("acme/rocket-launcher/issues/1")}.`, at: "2024-04-11T09:00:00Z" },
    { key: "a", user: carol.uuid, raw: "Pauses are out of scope, tracked in #4.", at: "2024-04-11T10:00:00Z", parent: "q" },
    { key: "b", user: alice.uuid, raw: `${mention(bob)} agreed, let's merge once the tests are in.`, at: "2024-04-11T11:00:00Z", parent: "a" },
    {
      key: "inline",
      user: alice.uuid,
      raw: `Prefer \`Math.max\` here, as on ${webLink(`acme/rocket-launcher/src/${sha(m.countdown1)}/src/countdown.ts#lines-5`)}.`,
      at: "2024-04-10T15:00:00Z",
      inline: { path: "src/countdown.ts", from: null, to: 5 },
    },
    { key: "inline-reply", user: carol.uuid, raw: "Done in the next commit.", at: "2024-04-11T15:50:00Z", parent: "inline", inline: { path: "src/countdown.ts", from: null, to: 5 } },
  ]);
  addComments(2, [
    { key: "g", user: alice.uuid, raw: "Squash-merging this; the branch goes away afterwards.", at: "2024-05-08T17:35:00Z" },
    { key: "i", user: bob.uuid, raw: "Negative readings are ignored here.", at: "2024-05-07T08:30:00Z", inline: { path: "src/telemetry.ts", from: null, to: 2 } },
  ]);
  addComments(3, [
    { key: "no", user: alice.uuid, raw: `We are staying on TypeScript for now, see ${webLink("acme/rocket-launcher/issues/6")}.`, at: "2024-06-03T12:00:00Z" },
    { key: "gone", user: carol.uuid, raw: "Ugh, fine. This comment was deleted.", at: "2024-06-03T12:10:00Z", parent: "no", deleted: true },
    { key: "plus", user: bob.uuid, raw: "+1", at: "2024-06-03T12:30:00Z", parent: "no" },
  ]);
  addComments(5, [
    {
      key: "timeout",
      user: carol.uuid,
      raw: "What happens if the confirmation times out?",
      at: "2024-07-08T14:00:00Z",
      inline: { path: "src/abort.ts", from: null, to: 12 },
    },
    { key: "timeout-reply", user: bob.uuid, raw: `It cancels the abort. ${mention(carol)}, does that work for you?`, at: "2024-07-08T15:00:00Z", parent: "timeout", inline: { path: "src/abort.ts", from: null, to: 12 } },
    { key: "safety", user: alice.uuid, raw: "Why remove the safety check?", at: "2024-07-09T09:00:00Z", inline: { path: "src/sequencer.ts", from: 8, to: null } },
    { key: "typo", user: bob.uuid, raw: "Fixed the typo in the README while at it.", at: "2024-07-09T16:15:00Z", inline: { path: "README.md", from: 3, to: 3 } },
    {
      key: "outdated",
      user: carol.uuid,
      raw: "This file is gone after the rebase.",
      at: "2024-07-10T09:00:00Z",
      inline: { path: "src/legacy/abort-old.ts", from: null, to: 999 },
    },
    {
      key: "links",
      user: alice.uuid,
      raw: [
        `Related: ${webLink("acme/rocket-launcher/pull-requests/2")} and ${webLink(`acme/rocket-launcher/src/${sha(m.sequencer)}/src/sequencer.ts#lines-8`)}.`,
        `Not ours, leave these alone: ${OTHER_REPOSITORY_PR} and https://example.com/acme/rocket-launcher/issues/3.`,
      ].join("\n\n"),
      at: "2024-07-11T14:00:00Z",
      editedAt: "2024-07-11T14:05:00Z",
    },
    { key: "ghost", user: null, raw: "Looks good to me. (Written by an account that was deleted since.)", at: "2024-07-11T16:00:00Z" },
    { key: "draft", user: carol.uuid, raw: "Draft: still reviewing the timeout handling.", at: "2024-07-12T10:00:00Z", pending: true },
  ]);
  addComments(6, [{ key: "thanks", user: alice.uuid, raw: "Thanks for the contribution! Merging.", at: "2025-02-14T09:55:00Z" }]);
  addComments(7, [
    { key: "rebase", user: bob.uuid, raw: `Love it. ${mention(carol)} can you rebase on main?`, at: "2025-05-06T13:50:00Z" },
    {
      key: "fork-link",
      user: alice.uuid,
      raw: `The first version (${FORK_SOURCE_LINK(fork.plan.sha(fork.warp1))}) lives in the fork: that link must stay as it is. Ours: ${webLink("acme/rocket-launcher/pull-requests/5")}.`,
      at: "2025-05-06T15:00:00Z",
    },
  ]);
  addComments(8, [{ key: "cant", user: alice.uuid, raw: "I can't see the fork; can you make it accessible?", at: "2025-09-11T10:00:00Z" }]);

  // Issues (served when the issuesRemoved knob is false).
  const milestones: NamedRecord[] = [
    { id: 1, name: "1.0" },
    { id: 2, name: "1.1" },
    { id: 3, name: "2.0" },
  ];
  const components: NamedRecord[] = [
    { id: 1, name: "sequencer" },
    { id: 2, name: "telemetry" },
    { id: 3, name: "ui" },
  ];
  const versions: NamedRecord[] = [
    { id: 1, name: "1.0.0" },
    { id: 2, name: "1.1.0" },
  ];
  const issue = (record: Omit<IssueRecord, "createdOn" | "updatedOn" | "editedOn" | "markup" | "votes" | "watches"> & { created: string; updated: string; edited?: string; markup?: IssueRecord["markup"]; votes?: number; watches?: number }): IssueRecord => {
    const { created, updated, edited, ...rest } = record;
    return {
      markup: "markdown",
      votes: 0,
      watches: 1,
      ...rest,
      createdOn: stamp(t(created), 300 + rest.id),
      updatedOn: stamp(t(updated), 400 + rest.id),
      editedOn: edited ? stamp(t(edited), 500 + rest.id) : null,
    };
  };
  const issues: IssueRecord[] = [
    issue({ id: 1, title: "Countdown skips the last second", raw: "The countdown goes 3, 2, 1 and never shows 0.", kind: "bug", priority: "major", state: "resolved", reporter: bob.uuid, assignee: carol.uuid, milestone: 1, component: 1, version: 1, created: "2024-03-20T10:00:00Z", updated: "2024-04-15T09:20:00Z", votes: 2, watches: 3 }),
    issue({ id: 2, title: "Add an abort button", raw: `We need a way to stop a launch.\n\n${mention(bob)} can you take this?`, kind: "enhancement", priority: "critical", state: "open", reporter: alice.uuid, assignee: bob.uuid, milestone: 2, component: 3, version: null, created: "2024-06-20T09:00:00Z", updated: "2024-07-08T09:40:00Z", edited: "2024-06-20T09:05:00Z", votes: 4, watches: 3 }),
    issue({ id: 3, title: "Telemetry counters overflow after 2^31 readings", raw: "After about 24 days the counters become negative.", kind: "bug", priority: "blocker", state: "closed", reporter: carol.uuid, assignee: bob.uuid, milestone: 1, component: 2, version: 1, created: "2024-05-01T08:00:00Z", updated: "2024-05-09T10:00:00Z" }),
    issue({ id: 4, title: "Support launch windows", raw: "Proposal: only allow launches inside a configured window.", kind: "proposal", priority: "minor", state: "submitted", reporter: bob.uuid, assignee: alice.uuid, milestone: 3, component: 1, version: null, created: "2024-04-11T09:30:00Z", updated: "2024-04-11T09:30:00Z" }),
    issue({ id: 5, title: "Document the LFS setup", raw: "New contributors get pointer files instead of images.", kind: "task", priority: "trivial", state: "new", reporter: alice.uuid, assignee: carol.uuid, milestone: 2, component: null, version: null, created: "2024-03-08T11:00:00Z", updated: "2024-03-08T11:00:00Z" }),
    issue({ id: 6, title: "Rewrite the sequencer in Rust", raw: "Could be faster and safer.", kind: "proposal", priority: "major", state: "wontfix", reporter: carol.uuid, assignee: alice.uuid, milestone: null, component: 1, version: null, created: "2024-05-30T16:00:00Z", updated: "2024-06-04T08:05:00Z" }),
    issue({ id: 7, title: "Dashboard shows stale data", raw: "Needs the telemetry dashboard first.", kind: "bug", priority: "major", state: "on hold", reporter: alice.uuid, assignee: carol.uuid, milestone: 3, component: 3, version: 2, created: "2025-04-01T10:00:00Z", updated: "2025-04-02T10:00:00Z" }),
    issue({ id: 8, title: "Countdown is off by one", raw: "Shows 1 twice.", kind: "bug", priority: "minor", state: "duplicate", reporter: bob.uuid, assignee: carol.uuid, milestone: null, component: 1, version: 1, created: "2024-03-21T10:00:00Z", updated: "2024-03-21T12:00:00Z" }),
    issue({ id: 9, title: "Launch button is green", raw: "Should it not be red?", kind: "bug", priority: "trivial", state: "invalid", reporter: carol.uuid, assignee: bob.uuid, milestone: null, component: 3, version: null, created: "2024-09-01T10:00:00Z", updated: "2024-09-02T10:00:00Z" }),
    issue({ id: 10, title: "Upgrade Node.js to 20", raw: "== Steps ==\n* upgrade the runtime\n* run the **full** test suite\n\n{{{\nnvm install 20\n}}}", markup: "creole", kind: "task", priority: "major", state: "open", reporter: bob.uuid, assignee: alice.uuid, milestone: 2, component: null, version: 2, created: "2025-01-10T10:00:00Z", updated: "2025-01-12T10:00:00Z" }),
    // Issue 11 was deleted: the ids have a gap, as real trackers do.
    issue({ id: 12, title: "Export telemetry to CSV", raw: "For the monthly report.", kind: "enhancement", priority: "minor", state: "new", reporter: carol.uuid, assignee: null, milestone: 3, component: 2, version: null, created: "2025-06-01T10:00:00Z", updated: "2025-06-01T10:00:00Z" }),
    issue({ id: 13, title: "Crash when the fuel level is unknown", raw: "Reported anonymously from the public issue form.", markup: "plaintext", kind: "bug", priority: "critical", state: "resolved", reporter: null, assignee: bob.uuid, milestone: 2, component: 1, version: 2, created: "2025-03-02T10:00:00Z", updated: "2025-03-05T10:00:00Z" }),
  ];
  let nextIssueCommentId = 720_000;
  const issueComments = new Map<number, IssueCommentRecord[]>();
  const addIssueComments = (id: number, specs: { user: string | null; raw: string | null; at: string; change?: IssueCommentRecord["change"]; edited?: string }[]) => {
    issueComments.set(
      id,
      specs.map((spec) => {
        const commentId = ++nextIssueCommentId;
        return { id: commentId, user: spec.user, raw: spec.raw, createdOn: stamp(t(spec.at), commentId), updatedOn: spec.edited ? stamp(t(spec.edited), commentId) : null, ...(spec.change ? { change: spec.change } : {}) };
      }),
    );
  };
  addIssueComments(1, [
    { user: carol.uuid, raw: `Fixed in ${webLink("acme/rocket-launcher/pull-requests/1")}.`, at: "2024-04-15T09:15:00Z" },
    { user: carol.uuid, raw: null, at: "2024-04-15T09:20:00Z", change: { field: "status", from: "new", to: "resolved" } },
  ]);
  addIssueComments(2, [
    { user: bob.uuid, raw: `Working on it in ${webLink("acme/rocket-launcher/pull-requests/5")}.`, at: "2024-07-08T09:40:00Z" },
    { user: alice.uuid, raw: `${mention(bob)} please add a confirmation dialog. ${mention(carol)} FYI.`, at: "2024-07-08T10:00:00Z", edited: "2024-07-08T10:02:00Z" },
  ]);
  addIssueComments(3, [
    { user: bob.uuid, raw: `Root cause: ${webLink(`acme/rocket-launcher/src/${sha(m.release100)}/src/sequencer.ts#lines-5`)}.`, at: "2024-05-02T08:00:00Z" },
    { user: bob.uuid, raw: null, at: "2024-05-08T17:45:00Z", change: { field: "status", from: "open", to: "resolved" } },
    { user: carol.uuid, raw: "Verified on 1.0.1, closing.", at: "2024-05-09T10:00:00Z", change: { field: "status", from: "resolved", to: "closed" } },
  ]);
  addIssueComments(6, [{ user: alice.uuid, raw: `See the discussion in ${webLink("acme/rocket-launcher/pull-requests/3")}.`, at: "2024-06-04T08:05:00Z" }]);
  addIssueComments(8, [{ user: carol.uuid, raw: "Duplicate of #1.", at: "2024-03-21T12:00:00Z", change: { field: "status", from: "new", to: "duplicate" } }]);
  addIssueComments(9, [{ user: bob.uuid, raw: "Works as designed.", at: "2024-09-02T10:00:00Z" }]);
  addIssueComments(10, [{ user: alice.uuid, raw: `Also see ${webLink("globex/open-api-specs/issues/1")} (another repository).`, at: "2025-01-11T10:00:00Z" }]);
  addIssueComments(13, [
    { user: null, raw: "Still happens on 1.1.0.", at: "2025-03-03T10:00:00Z" },
    { user: bob.uuid, raw: "Fixed, thanks for the report.", at: "2025-03-05T10:00:00Z" },
  ]);

  return detailOf(repository, git, {
    lfs: lfsMap(showcaseLfsObjects()),
    wiki: wikiPlan(),
    pullRequests: arrayPullRequestStore(pullRequests, comments),
    issues: arrayIssueStore(issues, issueComments),
    milestones,
    components,
    versions,
  });
}

/** The detail of a showcase repository, or undefined for other repositories. */
export function showcaseDetail(repository: RepositoryRecord): RepositoryDetail | undefined {
  switch (repository.full_name) {
    case SHOWCASE_REPOSITORY:
      detailCache ??= buildShowcase(repository);
      return detailCache;
    case SHOWCASE_FORK:
      // Forks get the parent's LFS objects (Bitbucket copies them on fork).
      return detailOf(repository, forkPlan().plan, { lfs: lfsMap(showcaseLfsObjects()) });
    case SHOWCASE_PRIVATE_FORK:
      return detailOf(repository, privateForkPlan().plan, { lfs: lfsMap(showcaseLfsObjects()) });
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Expectations for tests

export interface ShowcaseExpectations {
  readonly repository: string;
  readonly mainbranch: string;
  readonly branches: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, { readonly commit: string; readonly annotated: boolean }>>;
  readonly lfsObjects: readonly { readonly oid: string; readonly size: number; readonly path: string }[];
  readonly wikiPages: readonly string[];
  readonly milestones: readonly string[];
  readonly components: readonly string[];
  readonly versions: readonly string[];
  readonly pullRequests: readonly {
    readonly id: number;
    readonly title: string;
    readonly state: string;
    readonly draft: boolean;
    readonly author: string | null;
    readonly sourceRepository: string | null;
    readonly sourceBranch: string;
    readonly sourceCommit: string;
    /** Whether the source commit is in acme/rocket-launcher's git repository. */
    readonly sourceCommitInRepository: boolean;
    readonly destinationBranch: string;
    readonly mergeCommit: string | null;
    /** comment_count: neither deleted nor pending. */
    readonly commentCount: number;
    /** What /comments returns to a reader who wrote no pending comment (deleted ones included). */
    readonly visibleComments: number;
    readonly inlineComments: number;
    readonly approvedBy: readonly string[];
    readonly reviewers: readonly string[];
  }[];
  readonly issues: readonly {
    readonly id: number;
    readonly title: string;
    readonly kind: string;
    readonly priority: string;
    readonly state: string;
    readonly reporter: string | null;
    readonly assignee: string | null;
    readonly milestone: string | null;
    readonly comments: number;
  }[];
}

/**
 * What an import of acme/rocket-launcher should find, computed from the generator (users as
 * the seed nicknames alice/bob/carol, null for a deleted account; full 40-hex hashes).
 */
export function showcaseExpectations(): ShowcaseExpectations {
  const d = showcaseDetail(showcaseRecord())!;
  const nick = (uuid: string | null) => (uuid === null ? null : (Object.values(SANDBOX_ACCOUNTS).find((account) => account.uuid === uuid)?.nickname ?? uuid));
  const git = d.git;
  const wiki = d.wiki!;
  const named = (list: readonly NamedRecord[], id: number | null) => (id === null ? null : (list.find((entry) => entry.id === id)?.name ?? null));
  const prs = [];
  for (let id = 1; id <= d.pullRequests.count; id++) {
    const record = d.pullRequests.get(id)!;
    const comments = d.pullRequests.comments(id);
    const mark = git.markOf(record.source.commit);
    prs.push({
      id,
      title: record.title,
      state: record.state,
      draft: record.draft,
      author: nick(record.author),
      sourceRepository: record.source.repository,
      sourceBranch: record.source.branch,
      sourceCommit: record.source.commit,
      sourceCommitInRepository: mark !== undefined && git.inRepository(mark),
      destinationBranch: record.destination.branch,
      mergeCommit: record.mergeCommit,
      commentCount: comments.filter((comment) => !comment.deleted && !comment.pending).length,
      visibleComments: comments.filter((comment) => !comment.pending).length,
      inlineComments: comments.filter((comment) => comment.inline && !comment.pending).length,
      approvedBy: record.participants.filter((p) => p.approved).map((p) => nick(p.user)!),
      reviewers: record.reviewers.map((uuid) => nick(uuid)!),
    });
  }
  const issues = [];
  for (let id = 1; id <= d.issues.maxId; id++) {
    const record = d.issues.get(id);
    if (!record) continue;
    issues.push({
      id,
      title: record.title,
      kind: record.kind,
      priority: record.priority,
      state: record.state,
      reporter: nick(record.reporter),
      assignee: nick(record.assignee),
      milestone: named(d.milestones, record.milestone),
      comments: d.issues.comments(id).length,
    });
  }
  return {
    repository: SHOWCASE_REPOSITORY,
    mainbranch: git.head,
    branches: Object.fromEntries(Object.entries(git.branches).map(([name, mark]) => [name, git.sha(mark)])),
    tags: Object.fromEntries(git.tags.map((tag) => [tag.name, { commit: git.sha(tag.target), annotated: tag.message !== undefined }])),
    lfsObjects: [...d.lfs.values()].map(({ oid, size, path }) => ({ oid, size, path })),
    wikiPages: wiki.pathsAt(wiki.branches[wiki.head]!),
    milestones: d.milestones.map((entry) => entry.name),
    components: d.components.map((entry) => entry.name),
    versions: d.versions.map((entry) => entry.name),
    pullRequests: prs,
    issues,
  };
}

/** acme/rocket-launcher's listing record (fixed, see CURATED in seed.ts). */
function showcaseRecord(): RepositoryRecord {
  const acme = SANDBOX_WORKSPACES.find((workspace) => workspace.slug === "acme")!;
  return generateRepositories(acme).find((repository) => repository.full_name === SHOWCASE_REPOSITORY)!;
}

