/**
 * The per-repository detail generator: every repository gets git content, pull requests (with
 * branches, comments and approvals), an issue tracker when has_issues is set, a wiki when
 * has_wiki is set, and for some of them LFS objects. Everything derives from the repository's
 * seed, so it is the same on every run and machine.
 *
 * Hand-written content lives in showcase.ts (acme/rocket-launcher and its forks) and bench.ts
 * (bench/big-repo); this file holds the generic generator and the helpers they share.
 */
import { createHash } from "node:crypto";
import {
  EMPTY_ISSUES,
  WEB_PLACEHOLDER,
  arrayIssueStore,
  arrayPullRequestStore,
  type IssueCommentRecord,
  type IssueRecord,
  type NamedRecord,
  type ParticipantRecord,
  type PullRequestCommentRecord,
  type PullRequestRecord,
  type PullRequestState,
  type RepositoryDetail,
  ISSUE_KINDS,
  ISSUE_PRIORITIES,
  ISSUE_STATES,
} from "./content";
import { LFS_ATTRIBUTES, PlanBuilder, generatedBytes, lfsFiles, lfsMap, lfsObject } from "../common/git-content";
import type { CommitPlan, GitIdentity, HashedGitPlan, TagPlan } from "../common/git-objects";
export { PlanBuilder, generatedBytes, lfsObject, LFS_ATTRIBUTES, lfsFiles, lfsMap } from "../common/git-content";
import { bitbucketTimestamp, createRng, hashString, intBetween, pick, type Rng } from "./random";
import type { RepositoryRecord, SandboxAccountSeed, WorkspaceSeed } from "./seed";

// ---------------------------------------------------------------------------------------------
// Helpers shared by the generators

/** What a generator may know about the world besides the repository record. */
export interface GeneratorContext {
  readonly workspace: WorkspaceSeed;
  /** Seeds of the workspace's members (original nicknames), in membership order. */
  readonly members: readonly SandboxAccountSeed[];
}

export function identity(account: SandboxAccountSeed): GitIdentity {
  return { name: account.display_name, email: account.email };
}

/** Seconds since the epoch of an ISO date. */
export function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Bitbucket's timestamp (microseconds, +00:00) for a time in seconds, with deterministic microseconds. */
export function stamp(secondsSinceEpoch: number, salt = 0): string {
  const micros = hashString(`${secondsSinceEpoch}:${salt}`) % 1_000_000;
  return bitbucketTimestamp(secondsSinceEpoch * 1000 + Math.floor(micros / 1000), micros % 1000);
}

/** Bitbucket's stored form of a mention: @{account_id}. */
export function mention(account: SandboxAccountSeed): string {
  return `@{${account.account_id}}`;
}

export function webLink(path: string): string {
  return `${WEB_PLACEHOLDER}/${path}`;
}

export function detailOf(
  repository: RepositoryRecord,
  git: HashedGitPlan,
  parts: Partial<Omit<RepositoryDetail, "repository" | "git" | "commits" | "branches" | "tags">> = {},
): RepositoryDetail {
  return {
    repository,
    git,
    commits: git.commits,
    branches: git.branches,
    tags: git.tags,
    lfs: parts.lfs ?? new Map(),
    wiki: parts.wiki ?? null,
    pullRequests: parts.pullRequests ?? arrayPullRequestStore([], new Map()),
    issues: parts.issues ?? EMPTY_ISSUES,
    milestones: parts.milestones ?? [],
    components: parts.components ?? [],
    versions: parts.versions ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// Generic repositories

function sourceFile(language: string, name: string): [string, string] {
  switch (language) {
    case "typescript":
      return ["src/index.ts", `export function main(): string {\n  return ${JSON.stringify(name)};\n}\n`];
    case "javascript":
      return ["src/index.js", `export function main() {\n  return ${JSON.stringify(name)};\n}\n`];
    case "python":
      return ["app/__init__.py", `def main() -> str:\n    return ${JSON.stringify(name)}\n`];
    case "java":
      return ["src/main/java/App.java", `public class App {\n  public static void main(String[] args) {\n    System.out.println(${JSON.stringify(name)});\n  }\n}\n`];
    case "go":
      return ["main.go", `package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(${JSON.stringify(name)})\n}\n`];
    case "php":
      return ["index.php", `<?php\necho ${JSON.stringify(name)};\n`];
    default:
      return ["src/main.txt", `${name}\n`];
  }
}

const TOPICS = [
  "login", "caching", "retries", "pagination", "logging", "metrics", "config", "search", "export", "import",
  "billing", "locale", "timeouts", "health-check", "rate-limits", "audit-log", "dark-mode", "webhooks",
] as const;
const VERBS = ["Add", "Improve", "Fix", "Refactor", "Document", "Speed up"] as const;
const ISSUE_TITLES = [
  "crashes when the input is empty", "is slow with large inputs", "needs better documentation", "should support UTF-8 names",
  "returns the wrong status code", "leaks memory after a day", "ignores the timeout setting", "breaks on Windows paths",
] as const;

function pickPerson(rng: Rng, people: readonly SandboxAccountSeed[], not?: SandboxAccountSeed): SandboxAccountSeed {
  const candidates = not && people.length > 1 ? people.filter((person) => person !== not) : people;
  return pick(rng, candidates);
}

/** Content for an ordinary repository: a few branches and pull requests, issues, maybe LFS and a wiki. */
export function generateGenericDetail(repository: RepositoryRecord, ctx: GeneratorContext): RepositoryDetail {
  const rng = createRng(repository.seed);
  const people = ctx.members.length > 0 ? ctx.members : [];
  if (people.length === 0) throw new Error(`workspace ${ctx.workspace.slug} has no members to write ${repository.full_name}`);
  const who = () => pick(rng, people);
  const created = seconds(repository.created_on);
  const updated = Math.max(created + 4 * 3600, seconds(repository.updated_on));
  const span = updated - created;
  const at = (fraction: number) => created + Math.floor(span * fraction);
  const main = repository.mainbranch;
  const [sourcePath, sourceText] = sourceFile(repository.language, repository.name);
  const readme = `# ${repository.name}\n\n${repository.description || "No description."}\n`;
  const changelog = "# Changelog\n\n## 1.0.0\n\n- First release.\n";

  const hasLfs = rng() < 0.2;
  const lfsObjects = hasLfs
    ? Array.from({ length: intBetween(rng, 1, 2) }, (_, i) =>
        lfsObject(i === 0 ? "assets/logo.png" : `assets/data-${i}.bin`, generatedBytes(`${repository.full_name}:lfs:${i}`, intBetween(rng, 512, 8192))),
      )
    : [];

  const builder = new PlanBuilder();
  const c1 = builder.add({ parents: [], message: "Initial commit", author: identity(who()), timestamp: created, files: { "README.md": readme }, branch: main });
  const c2 = builder.add({
    parents: [c1],
    message: `Add ${sourcePath}`,
    author: identity(who()),
    timestamp: at(0.2),
    files: { [sourcePath]: sourceText, ...(hasLfs ? { ".gitattributes": LFS_ATTRIBUTES, ...lfsFiles(lfsObjects) } : {}) },
    branch: main,
  });
  const releaser = who();
  const c3 = builder.add({ parents: [c2], message: "Release 1.0.0", author: identity(releaser), timestamp: at(0.3), files: { "CHANGELOG.md": changelog }, branch: main });
  const c4 = builder.add({
    parents: [c3],
    message: "Start work on the next release",
    author: identity(who()),
    timestamp: at(0.35),
    files: { "CHANGELOG.md": `${changelog}\n## Unreleased\n\n- Work in progress.\n` },
    branch: "develop",
  });

  // Pull requests, each with its own branch off the main branch.
  interface PendingPullRequest {
    id: number;
    title: string;
    branch: string;
    state: PullRequestState;
    author: SandboxAccountSeed;
    tip: number;
    base: number;
    merge: number | null;
    keepBranch: boolean;
    createdAt: number;
    closedAt: number | null;
    file: string;
    closer: SandboxAccountSeed;
  }
  const prCount = rng() < 0.25 ? 0 : intBetween(rng, 1, 4);
  const pending: PendingPullRequest[] = [];
  let mainTip = c3;
  const branches: Record<string, number> = {};
  for (let id = 1; id <= prCount; id++) {
    const topic = pick(rng, TOPICS);
    const verb = pick(rng, VERBS);
    const branch = `${verb === "Fix" ? "bugfix" : "feature"}/${topic}-${id}`;
    const author = who();
    const roll = rng();
    const state: PullRequestState = roll < 0.4 ? "MERGED" : roll < 0.65 ? "OPEN" : roll < 0.9 ? "DECLINED" : "SUPERSEDED";
    const createdAt = at(0.4 + (0.5 * (id - 1)) / prCount);
    const file = `notes/${topic}-${id}.md`;
    const s1 = builder.add({
      parents: [mainTip],
      message: `${verb} ${topic.replace(/-/g, " ")}`,
      author: identity(author),
      timestamp: createdAt - 3600,
      files: { [file]: `# ${verb} ${topic}\n\nFirst draft.\n` },
      branch,
    });
    const tip =
      rng() < 0.5
        ? builder.add({ parents: [s1], message: "Address review comments", author: identity(author), timestamp: createdAt + 1800, files: { [file]: `# ${verb} ${topic}\n\nReviewed version.\n` }, branch })
        : s1;
    const closer = pickPerson(rng, people, author);
    const closedAt = state === "OPEN" ? null : createdAt + intBetween(rng, 2, 72) * 3600;
    let merge: number | null = null;
    const base = mainTip;
    if (state === "MERGED") {
      merge = builder.add({
        parents: [mainTip, tip],
        message: `Merged in ${branch} (pull request #${id})\n\n${verb} ${topic.replace(/-/g, " ")}`,
        author: identity(closer),
        timestamp: closedAt!,
        files: builder.filesOf(tip === s1 ? [s1] : [s1, tip]),
        branch: main,
      });
      mainTip = merge;
    }
    const keepBranch = state === "OPEN" || state === "SUPERSEDED" || rng() < 0.3;
    if (keepBranch) branches[branch] = tip;
    pending.push({ id, title: `${verb} ${topic.replace(/-/g, " ")}`, branch, state, author, tip, base, merge, keepBranch, createdAt, closedAt, file, closer });
  }

  const c5 = builder.add({
    parents: [mainTip],
    message: "Update README",
    author: identity(who()),
    timestamp: updated,
    files: { "README.md": `${readme}\nSee CHANGELOG.md for releases.\n` },
    branch: main,
  });
  const git = builder.plan({ [main]: c5, develop: c4, ...branches }, [
    { name: "v1.0.0", target: c3, message: "Version 1.0.0", timestamp: at(0.3) + 60, tagger: identity(releaser) },
  ], main);

  // Records.
  let commentId = 10_000 + (repository.seed % 50_000) * 100;
  const pullRequests: PullRequestRecord[] = [];
  const prComments = new Map<number, PullRequestCommentRecord[]>();
  for (const pr of pending) {
    const reviewerPool = people.filter((person) => person !== pr.author);
    const reviewers = reviewerPool.filter(() => rng() < 0.6);
    const participants: ParticipantRecord[] = reviewers.map((reviewer, i) => {
      const approved = pr.state === "MERGED" ? i === 0 || rng() < 0.5 : rng() < 0.3;
      return { user: reviewer.uuid, role: "REVIEWER", approved, state: approved ? "approved" : null, participatedOn: approved ? stamp(pr.createdAt + 7200 * (i + 1), pr.id) : null };
    });
    const comments: PullRequestCommentRecord[] = [];
    const commentCount = rng() < 0.3 ? 0 : intBetween(rng, 1, 3);
    for (let k = 0; k < commentCount; k++) {
      const user = k % 2 === 0 && reviewerPool.length > 0 ? pick(rng, reviewerPool) : pr.author;
      const when = pr.createdAt + 600 * (k + 1);
      const inline = k === 1 && rng() < 0.7 ? { path: pr.file, from: null, to: 1 } : null;
      comments.push({
        id: ++commentId,
        user: user.uuid,
        raw: k === 0 ? "Looks reasonable, a few questions." : k === 1 ? "Can we name this more clearly?" : "Updated, thanks.",
        createdOn: stamp(when, commentId),
        updatedOn: stamp(when, commentId),
        deleted: false,
        pending: false,
        parent: k === 2 ? comments[0]!.id : null,
        inline,
      });
    }
    prComments.set(pr.id, comments);
    const lastActivity = Math.max(pr.closedAt ?? pr.createdAt, pr.createdAt + 600 * commentCount);
    pullRequests.push({
      id: pr.id,
      title: pr.title,
      description: `${pr.title}.\n\nSee ${pr.file}.`,
      state: pr.state,
      draft: false,
      author: pr.author.uuid,
      source: { repository: repository.full_name, branch: pr.branch, commit: git.sha(pr.tip) },
      destination: { branch: main, commit: git.sha(pr.base) },
      mergeCommit: pr.merge !== null ? git.sha(pr.merge) : null,
      closeSourceBranch: !pr.keepBranch,
      closedBy: pr.state === "MERGED" || pr.state === "DECLINED" ? pr.closer.uuid : null,
      reason: pr.state === "DECLINED" ? "Not needed any more." : "",
      createdOn: stamp(pr.createdAt, pr.id),
      updatedOn: stamp(lastActivity + 1, pr.id),
      closedOn: pr.closedAt !== null ? stamp(pr.closedAt, pr.id) : null,
      reviewers: reviewers.map((reviewer) => reviewer.uuid),
      participants,
      taskCount: 0,
    });
  }

  // Issues.
  let issues = EMPTY_ISSUES;
  let milestones: NamedRecord[] = [];
  let components: NamedRecord[] = [];
  let versions: NamedRecord[] = [];
  if (repository.has_issues) {
    milestones = [
      { id: 1, name: "v1.0" },
      { id: 2, name: "v2.0" },
    ];
    components = [
      { id: 1, name: "backend" },
      { id: 2, name: "frontend" },
    ];
    versions = [{ id: 1, name: "1.0" }];
    const issueRecords: IssueRecord[] = [];
    const issueComments = new Map<number, IssueCommentRecord[]>();
    const count = intBetween(rng, 0, 6);
    for (let id = 1; id <= count; id++) {
      const reporter = who();
      const assignee = rng() < 0.7 ? pickPerson(rng, people, reporter) : null;
      const createdAt = at(0.3 + (0.6 * id) / (count + 1));
      issueRecords.push({
        id,
        title: `${pick(rng, TOPICS).replace(/-/g, " ")} ${pick(rng, ISSUE_TITLES)}`,
        raw: "Steps to reproduce:\n\n1. Start the service.\n2. Watch the logs.",
        markup: "markdown",
        kind: pick(rng, ISSUE_KINDS),
        priority: pick(rng, ISSUE_PRIORITIES),
        state: pick(rng, ISSUE_STATES),
        reporter: reporter.uuid,
        assignee: assignee && assignee !== reporter ? assignee.uuid : null,
        milestone: rng() < 0.5 ? pick(rng, milestones).id : null,
        component: rng() < 0.5 ? pick(rng, components).id : null,
        version: rng() < 0.3 ? 1 : null,
        votes: intBetween(rng, 0, 3),
        watches: intBetween(rng, 1, 3),
        createdOn: stamp(createdAt, id),
        updatedOn: stamp(createdAt + 86_400, id),
        editedOn: null,
      });
      const comments: IssueCommentRecord[] = [];
      for (let k = 0; k < intBetween(rng, 0, 2); k++) {
        const user = who();
        comments.push({ id: ++commentId, user: user.uuid, raw: k === 0 ? "I can reproduce this." : "Fixed on the main branch.", createdOn: stamp(createdAt + 3600 * (k + 1), commentId), updatedOn: null });
      }
      issueComments.set(id, comments);
    }
    issues = arrayIssueStore(issueRecords, issueComments);
  }

  // Wiki.
  let wiki: HashedGitPlan | null = null;
  if (repository.has_wiki) {
    const wikiBuilder = new PlanBuilder();
    const w1 = wikiBuilder.add({
      parents: [],
      message: "Initial wiki page",
      author: identity(who()),
      timestamp: at(0.1),
      files: { "Home.md": `# ${repository.name}\n\nWelcome to the wiki. Start with [[Getting Started]].\n` },
    });
    const w2 = wikiBuilder.add({
      parents: [w1],
      message: "Add Getting Started",
      author: identity(who()),
      timestamp: at(0.5),
      files: { "Getting Started.md": "# Getting Started\n\n1. Clone the repository.\n2. Read the README.\n" },
    });
    wiki = wikiBuilder.plan({ master: w2 }, [], "master");
  }

  return detailOf(repository, git, {
    lfs: lfsMap(lfsObjects),
    wiki,
    pullRequests: arrayPullRequestStore(pullRequests, prComments),
    issues,
    milestones,
    components,
    versions,
  });
}
