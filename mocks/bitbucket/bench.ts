/**
 * Bench scale: workspace `bench` with one big repository, `bench/big-repo`, and extra accounts.
 *
 *   createSandboxState({ bench: true })                     // the defaults below
 *   createSandboxState({ bench: { pullRequests: 500 } })    // any subset
 *   SANDBOX_BENCH=1 npm run sandbox                         // or SANDBOX_BENCH='{"pullRequests":500}'
 *
 * Pull requests, issues and their comments are computed from their number on demand (a small
 * LRU keeps recent ones), so nothing is generated until an endpoint asks for it. The git history
 * (default 5,000 commits on 200 branches) is planned and hashed in memory in well under a second
 * and written by `git fast-import` on the first clone.
 */
import {
  ISSUE_KINDS,
  ISSUE_PRIORITIES,
  ISSUE_STATES,
  LruCache,
  type IssueCommentRecord,
  type IssueRecord,
  type IssueStore,
  type NamedRecord,
  type ParticipantRecord,
  type PullRequestCommentRecord,
  type PullRequestRecord,
  type PullRequestState,
  type PullRequestStore,
  type RepositoryDetail,
} from "./content";
import { LFS_ATTRIBUTES, PlanBuilder, detailOf, generatedBytes, identity, lfsFiles, lfsMap, lfsObject, mention, stamp, webLink } from "./generate";
import { createRng, hashString, uuidFromName } from "./random";
import { SANDBOX_ACCOUNTS, type RepositoryRecord, type SandboxAccountSeed, type WorkspaceSeed } from "./seed";

export interface BenchOptions {
  pullRequests?: number;
  commentsPerPullRequest?: number;
  /** Share (0..1) of pull request comments that are inline. */
  inlineShare?: number;
  /** Share (0..1) of pull requests with approvals. */
  approvedShare?: number;
  issues?: number;
  commentsPerIssue?: number;
  /** Extra accounts, all members of the bench workspace. */
  users?: number;
  commits?: number;
  /** Branches including the main branch. */
  branches?: number;
  lfsObjects?: number;
}

export type ResolvedBench = Readonly<Required<BenchOptions>>;

export const DEFAULT_BENCH: ResolvedBench = {
  pullRequests: 2000,
  commentsPerPullRequest: 5,
  inlineShare: 1 / 3,
  approvedShare: 1 / 5,
  issues: 3000,
  commentsPerIssue: 3,
  users: 100,
  commits: 5000,
  branches: 200,
  lfsObjects: 50,
};

export const BENCH_WORKSPACE = "bench";
export const BENCH_REPOSITORY = "bench/big-repo";

export function resolveBench(option: boolean | BenchOptions | undefined): ResolvedBench | null {
  if (!option) return null;
  const merged = { ...DEFAULT_BENCH, ...(option === true ? {} : option) };
  const int = (name: keyof BenchOptions, min: number) => {
    const value = merged[name];
    if (!Number.isInteger(value) || value < min) throw new Error(`bench.${name} must be an integer >= ${min}, got ${value}`);
  };
  int("pullRequests", 0);
  int("commentsPerPullRequest", 0);
  int("issues", 0);
  int("commentsPerIssue", 0);
  int("users", 1);
  int("commits", 3);
  int("branches", 1);
  int("lfsObjects", 0);
  for (const name of ["inlineShare", "approvedShare"] as const) {
    if (!(merged[name] >= 0 && merged[name] <= 1)) throw new Error(`bench.${name} must be between 0 and 1`);
  }
  return merged;
}

const pad = (n: number, width = 3) => String(n).padStart(width, "0");

/** The extra accounts: bench-user-001 ... (API token ATATT3xFfGF0sandbox-bench-001-<hex>). */
export function benchAccounts(count: number): SandboxAccountSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const n = pad(i + 1);
    const uuid = uuidFromName(`bench-user:${n}`);
    const hex = hashString(`bench-token:${n}`).toString(16).padStart(8, "0");
    return {
      uuid: `{${uuid}}`,
      // Both account_id forms occur on Bitbucket.
      account_id: i % 2 === 0 ? `557058:${uuidFromName(`bench-account:${n}`)}` : `${hashString(`a:${n}`).toString(16).padStart(8, "0")}${hashString(`b:${n}`).toString(16).padStart(8, "0")}${hashString(`c:${n}`).toString(16).padStart(8, "0")}`,
      nickname: `bench-user-${n}`,
      display_name: `Bench User ${n}`,
      email: `bench-user-${n}@example.com`,
      apiToken: `ATATT3xFfGF0sandbox-bench-${n}-${hex}`,
      created_on: "2020-01-01T00:00:00.000000+00:00",
    };
  });
}

export function benchWorkspace(accounts: readonly SandboxAccountSeed[]): WorkspaceSeed {
  return {
    uuid: `{${uuidFromName("workspace:bench")}}`,
    slug: BENCH_WORKSPACE,
    name: "Bench Corporation",
    created_on: "2019-12-01T00:00:00.000000+00:00",
    members: [{ nickname: "alice", administrator: true }, ...accounts.map((account) => ({ nickname: account.nickname, administrator: false }))],
    repositoryCount: 1,
    projects: [{ key: "BEN", name: "Bench", uuid: `{${uuidFromName("project:bench:BEN")}}` }],
  };
}

/** Spreads `share` exactly over a sequence: true for about share * n of the first n indexes. */
function hit(index: number, share: number): boolean {
  return Math.floor((index + 1) * share) > Math.floor(index * share);
}

const START = Date.UTC(2020, 0, 1) / 1000;
const HOUR = 3600;

export function generateBenchDetail(repository: RepositoryRecord, bench: ResolvedBench, members: readonly SandboxAccountSeed[]): RepositoryDetail {
  const people = members.length > 0 ? members : [SANDBOX_ACCOUNTS.alice];
  const person = (n: number) => people[((n % people.length) + people.length) % people.length]!;

  // --- git --------------------------------------------------------------------------------
  const features = bench.branches - 1;
  const perBranch = features > 0 ? Math.max(0, Math.min(2, Math.floor((bench.commits - 2) / (2 * features)))) : 0;
  const mainCount = bench.commits - features * perBranch;
  const lfs = Array.from({ length: bench.lfsObjects }, (_, j) =>
    lfsObject(`assets/object-${pad(j + 1)}.bin`, generatedBytes(`bench:lfs:${j}`, 1024 + ((j * 7919) % 63_000))),
  );
  const b = new PlanBuilder();
  const mainMarks: number[] = [];
  mainMarks.push(
    b.add({
      parents: [],
      message: "Initial commit",
      author: identity(person(0)),
      timestamp: START,
      files: { "README.md": "# big-repo\n\nThe bench repository.\n", ".gitattributes": LFS_ATTRIBUTES },
    }),
  );
  mainMarks.push(b.add({ parents: [mainMarks[0]!], message: `Add ${lfs.length} LFS objects`, author: identity(person(1)), timestamp: START + HOUR, files: lfsFiles(lfs) }));
  for (let k = 2; k < mainCount; k++) {
    const file = `src/module-${pad(k % 40, 2)}/file-${pad(Math.floor(k / 40) % 25, 2)}.ts`;
    mainMarks.push(
      b.add({
        parents: [mainMarks[k - 1]!],
        message: `Change ${file} (#${k})`,
        author: identity(person(k)),
        timestamp: START + k * 5 * HOUR,
        files: { [file]: `// revision ${k}\nexport const value = ${k};\n` },
      }),
    );
  }
  const branchTips: number[] = [];
  const forkPoints: number[] = [];
  for (let f = 1; f <= features; f++) {
    const forkIndex = Math.min(mainCount - 1, 2 + Math.floor((f * (mainCount - 2)) / (features + 1)));
    forkPoints.push(forkIndex);
    let tip = mainMarks[forkIndex]!;
    for (let c = 0; c < perBranch; c++) {
      tip = b.add({
        parents: [tip],
        message: c === 0 ? `Start feature ${pad(f)}` : `Finish feature ${pad(f)}`,
        author: identity(person(f + c)),
        timestamp: START + forkIndex * 5 * HOUR + (c + 1) * 600,
        files: { [`features/f-${pad(f)}/change.ts`]: `export const feature${f} = ${c};\n` },
      });
    }
    branchTips.push(tip);
  }
  const branches: Record<string, number> = { main: mainMarks[mainCount - 1]! };
  for (let f = 1; f <= features; f++) branches[`feature/bench-${pad(f)}`] = branchTips[f - 1]!;
  const git = b.plan(branches, [{ name: "v1.0.0", target: mainMarks[Math.floor(mainCount / 2)]!, message: "Version 1.0.0", timestamp: START + Math.floor(mainCount / 2) * 5 * HOUR + 60, tagger: identity(person(0)) }], "main");
  const lastCommitTime = START + mainCount * 5 * HOUR;

  // --- pull requests ---------------------------------------------------------------------------
  const prSpan = lastCommitTime - START - 30 * 24 * HOUR;
  const prCache = new LruCache<number, PullRequestRecord>(4096);
  const prCommentCache = new LruCache<number, readonly PullRequestCommentRecord[]>(1024);
  const prCreated = (id: number) => START + 7 * 24 * HOUR + Math.floor((prSpan * id) / (bench.pullRequests + 1));
  const commentTotal = (id: number) => (id % 8 === 0 ? 0 : bench.commentsPerPullRequest);

  const makePullRequest = (id: number): PullRequestRecord => {
    const rng = createRng(`bench-pr:${id}`);
    const f = features > 0 ? ((id - 1) % features) + 1 : 0;
    const roll = rng();
    const state: PullRequestState = roll < 0.55 ? "MERGED" : roll < 0.75 ? "DECLINED" : roll < 0.95 ? "OPEN" : "SUPERSEDED";
    const author = person(id * 7);
    const closer = person(id * 7 + 1);
    const created = prCreated(id);
    const closed = state === "OPEN" ? null : created + Math.floor(rng() * 72 + 2) * HOUR;
    const sourceMark = f > 0 ? branchTips[f - 1]! : mainMarks[mainCount - 1]!;
    const baseIndex = f > 0 ? forkPoints[f - 1]! : mainCount - 2;
    const reviewers = [person(id * 7 + 2), person(id * 7 + 3)].filter((reviewer) => reviewer !== author);
    const approved = hit(id - 1, bench.approvedShare);
    const participants: ParticipantRecord[] = reviewers.map((reviewer, i) => ({
      user: reviewer.uuid,
      role: "REVIEWER",
      approved: approved && (i === 0 || id % 2 === 0),
      state: approved && (i === 0 || id % 2 === 0) ? "approved" : null,
      participatedOn: approved && (i === 0 || id % 2 === 0) ? stamp(created + (i + 1) * HOUR, id) : null,
    }));
    const comments = commentTotal(id);
    const last = Math.max(closed ?? created, created + comments * 600);
    return {
      id,
      title: `Bench change ${id} on feature/bench-${pad(f)}`,
      description: `Pull request ${id}. Related: ${webLink(`bench/big-repo/pull-requests/${Math.max(1, id - 1)}`)}`,
      state,
      draft: state === "OPEN" && id % 17 === 0,
      author: author.uuid,
      source: { repository: repository.full_name, branch: f > 0 ? `feature/bench-${pad(f)}` : "main", commit: git.sha(sourceMark) },
      destination: { branch: "main", commit: git.sha(mainMarks[baseIndex]!) },
      mergeCommit: state === "MERGED" ? git.sha(mainMarks[Math.min(mainCount - 1, baseIndex + 1)]!) : null,
      closeSourceBranch: false,
      closedBy: state === "MERGED" || state === "DECLINED" ? closer.uuid : null,
      reason: state === "DECLINED" ? "Declined by the bench generator." : "",
      createdOn: stamp(created, id),
      updatedOn: stamp(last + 1, id),
      closedOn: closed !== null ? stamp(closed, id) : null,
      reviewers: reviewers.map((reviewer) => reviewer.uuid),
      participants,
      taskCount: id % 11 === 0 ? 1 : 0,
    };
  };

  const makePrComments = (id: number): PullRequestCommentRecord[] => {
    const total = commentTotal(id);
    const created = prCreated(id);
    const f = features > 0 ? ((id - 1) % features) + 1 : 0;
    const list: PullRequestCommentRecord[] = [];
    for (let k = 0; k < total; k++) {
      const commentId = 1_000_000 + id * 100 + k;
      const user = person(id * 7 + 2 + k);
      const at = created + (k + 1) * 600;
      const inline = hit((id - 1) * bench.commentsPerPullRequest + k, bench.inlineShare);
      list.push({
        id: commentId,
        user: user.uuid,
        raw: k % 4 === 1 ? `Thanks ${mention(person(id * 7))}, see ${webLink(`bench/big-repo/issues/${1 + (id % Math.max(1, bench.issues))}`)}.` : `Comment ${k + 1} on pull request ${id}.`,
        createdOn: stamp(at, commentId),
        updatedOn: stamp(at, commentId),
        deleted: false,
        pending: false,
        parent: k % 3 === 2 ? commentId - 1 : null,
        inline: inline ? { path: f > 0 ? `features/f-${pad(f)}/change.ts` : "README.md", from: null, to: 1 } : null,
      });
    }
    return list;
  };

  const pullRequests: PullRequestStore = {
    count: bench.pullRequests,
    get: (id) => (Number.isInteger(id) && id >= 1 && id <= bench.pullRequests ? prCache.get(id, () => makePullRequest(id)) : undefined),
    comments: (id) => (Number.isInteger(id) && id >= 1 && id <= bench.pullRequests ? prCommentCache.get(id, () => makePrComments(id)) : []),
  };

  // --- issues ------------------------------------------------------------------------------------
  const milestones: NamedRecord[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `M${i + 1}` }));
  const components: NamedRecord[] = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, name: `component-${i + 1}` }));
  const versions: NamedRecord[] = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, name: `${i + 1}.0` }));
  const issueSpan = lastCommitTime - START;
  const issueCreated = (id: number) => START + Math.floor((issueSpan * id) / (bench.issues + 1));
  const issueCache = new LruCache<number, IssueRecord>(4096);
  const issueCommentCache = new LruCache<number, readonly IssueCommentRecord[]>(1024);
  const makeIssue = (id: number): IssueRecord => {
    const reporter = person(id * 3);
    const assignee = id % 5 === 0 ? null : person(id * 3 + 1);
    const created = issueCreated(id);
    return {
      id,
      title: `Bench issue ${id}`,
      raw: `Issue ${id} reported by ${mention(reporter)}.`,
      markup: "markdown",
      kind: ISSUE_KINDS[id % ISSUE_KINDS.length]!,
      priority: ISSUE_PRIORITIES[id % ISSUE_PRIORITIES.length]!,
      state: ISSUE_STATES[id % ISSUE_STATES.length]!,
      reporter: reporter.uuid,
      assignee: assignee && assignee !== reporter ? assignee.uuid : null,
      milestone: id % 3 === 0 ? null : milestones[id % milestones.length]!.id,
      component: id % 4 === 0 ? null : components[id % components.length]!.id,
      version: id % 6 === 0 ? versions[id % versions.length]!.id : null,
      votes: id % 7,
      watches: 1 + (id % 3),
      createdOn: stamp(created, id),
      updatedOn: stamp(created + (bench.commentsPerIssue + 1) * HOUR, id),
      editedOn: id % 10 === 0 ? stamp(created + 60, id) : null,
    };
  };
  const makeIssueComments = (id: number): IssueCommentRecord[] =>
    Array.from({ length: bench.commentsPerIssue }, (_, k) => {
      const commentId = 5_000_000 + id * 10 + k;
      const change = k === bench.commentsPerIssue - 1 && id % 4 === 0;
      return {
        id: commentId,
        user: person(id * 3 + k + 1).uuid,
        raw: change ? null : `Comment ${k + 1} on issue ${id}.`,
        createdOn: stamp(issueCreated(id) + (k + 1) * HOUR, commentId),
        updatedOn: null,
        ...(change ? { change: { field: "status", from: "new", to: ISSUE_STATES[id % ISSUE_STATES.length]! } } : {}),
      };
    });
  const issues: IssueStore = {
    maxId: bench.issues,
    count: bench.issues,
    get: (id) => (Number.isInteger(id) && id >= 1 && id <= bench.issues ? issueCache.get(id, () => makeIssue(id)) : undefined),
    comments: (id) => (Number.isInteger(id) && id >= 1 && id <= bench.issues ? issueCommentCache.get(id, () => makeIssueComments(id)) : []),
  };

  // --- wiki --------------------------------------------------------------------------------------
  const wikiBuilder = new PlanBuilder();
  const w1 = wikiBuilder.add({ parents: [], message: "Initial wiki", author: identity(person(0)), timestamp: START, files: { "Home.md": "# Bench\n\nSee [[Runbook]].\n" } });
  const w2 = wikiBuilder.add({ parents: [w1], message: "Add runbook", author: identity(person(1)), timestamp: START + HOUR, files: { "Runbook.md": "# Runbook\n\n1. Import.\n2. Measure.\n" } });

  return detailOf(repository, git, {
    lfs: lfsMap(lfs),
    wiki: wikiBuilder.plan({ master: w2 }, [], "master"),
    pullRequests,
    issues,
    milestones,
    components,
    versions,
  });
}
