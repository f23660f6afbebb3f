/**
 * Repository content generators: a builder that hands out GitHub-like ids and keeps every list in
 * the order GitHub serves it, and the sized generator behind both the small generated
 * repositories and the bench repository (2,000 pull requests, 3,000 issues, 5,000 commits, ...).
 * Everything derives from the repository's id, so it is the same on every run and machine.
 */
import { LFS_ATTRIBUTES, PlanBuilder, generatedBytes, lfsFiles, lfsMap, lfsObject } from "../common/git-content";
import type { GitIdentity, HashedGitPlan } from "../common/git-objects";
import { createRng, pick } from "../common/random";
import type {
  AttachmentRecord,
  EventRecord,
  IssueCommentRecord,
  ItemRecord,
  LabelRecord,
  MilestoneRecord,
  ProtectionRecord,
  ReleaseRecord,
  RepoSeed,
  RepositoryContent,
  ReviewCommentRecord,
  ReviewRecord,
  UserSeed,
} from "./model";

export const HOUR = 3600;

/** GitHub's timestamp format (seconds, Z). */
export function iso(secondsSinceEpoch: number): string {
  return new Date(secondsSinceEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function seconds(isoDate: string): number {
  return Math.floor(Date.parse(isoDate) / 1000);
}

export function gitIdentity(user: UserSeed): GitIdentity {
  return { name: user.name, email: user.email ?? `${user.id}+${user.login}@users.noreply.github.com` };
}

type Without<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

function added<T>(list: T[], record: T): T {
  list.push(record);
  return record;
}

/** Collects a repository's records with ids derived from the repository id. */
export class ContentBuilder {
  readonly labels: LabelRecord[] = [];
  readonly milestones: MilestoneRecord[] = [];
  readonly releases: ReleaseRecord[] = [];
  readonly items: ItemRecord[] = [];
  readonly issueComments: IssueCommentRecord[] = [];
  readonly reviews: ReviewRecord[] = [];
  readonly reviewComments: ReviewCommentRecord[] = [];
  readonly events: EventRecord[] = [];
  readonly attachments: AttachmentRecord[] = [];
  private nextId: number;

  constructor(readonly repository: RepoSeed) {
    this.nextId = repository.id * 1_000_000;
  }

  id(): number {
    return ++this.nextId;
  }

  label(name: string, color: string, description: string | null = null): LabelRecord {
    return added(this.labels, { id: this.id(), name, color, description, default: false });
  }

  milestone(fields: Omit<MilestoneRecord, "id" | "number">): MilestoneRecord {
    return added(this.milestones, { ...fields, id: this.id(), number: this.milestones.length + 1 });
  }

  item(fields: Without<ItemRecord, "id" | "number" | "reactions" | "closed_by" | "state_reason" | "locked" | "pull">): ItemRecord {
    return added(this.items, { closed_by: null, state_reason: null, locked: false, reactions: {}, pull: null, ...fields, id: this.id(), number: this.items.length + 1 });
  }

  comment(fields: Without<IssueCommentRecord, "id" | "updated_at" | "reactions">): IssueCommentRecord {
    return added(this.issueComments, { updated_at: fields.created_at, reactions: {}, ...fields, id: this.id() });
  }

  review(fields: Omit<ReviewRecord, "id">): ReviewRecord {
    return added(this.reviews, { ...fields, id: this.id() });
  }

  reviewComment(fields: Without<ReviewCommentRecord, "id" | "updated_at" | "reactions" | "start_line" | "start_side" | "in_reply_to_id">): ReviewCommentRecord {
    return added(this.reviewComments, { updated_at: fields.created_at, reactions: {}, start_line: null, start_side: null, in_reply_to_id: null, ...fields, id: this.id() });
  }

  event(fields: Omit<EventRecord, "id">): EventRecord {
    return added(this.events, { ...fields, id: this.id() });
  }

  content(git: HashedGitPlan, rest: Partial<Pick<RepositoryContent, "wiki" | "lfs" | "releases" | "protections">> = {}): RepositoryContent {
    const byTime = <T extends { id: number }>(list: T[], time: (record: T) => string) =>
      [...list].sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : a.id - b.id));
    return {
      git,
      wiki: rest.wiki ?? null,
      lfs: rest.lfs ?? new Map(),
      labels: this.labels,
      milestones: this.milestones,
      releases: rest.releases ?? this.releases,
      items: this.items,
      issueComments: byTime(this.issueComments, (comment) => comment.created_at),
      reviews: this.reviews,
      reviewComments: byTime(this.reviewComments, (comment) => comment.created_at),
      events: byTime(this.events, (event) => event.created_at),
      protections: rest.protections ?? {},
      attachments: this.attachments,
    };
  }
}

export interface ContentSizes {
  readonly pullRequests: number;
  /** Per pull request: two conversation comments, the rest review comments (one of them a reply). */
  readonly commentsPerPullRequest: number;
  readonly issues: number;
  readonly commentsPerIssue: number;
  readonly commits: number;
  /** Including the default branch. */
  readonly branches: number;
  readonly lfsObjects: number;
}

export const DEFAULT_BENCH: ContentSizes = {
  pullRequests: 2000,
  commentsPerPullRequest: 5,
  issues: 3000,
  commentsPerIssue: 3,
  commits: 5000,
  branches: 200,
  lfsObjects: 50,
};

export const GENERIC_SIZES: ContentSizes = { pullRequests: 4, commentsPerPullRequest: 3, issues: 6, commentsPerIssue: 2, commits: 12, branches: 3, lfsObjects: 0 };

const pad = (n: number, width = 3) => String(n).padStart(width, "0");

/** Spreads `share` exactly over a sequence: true for about share * n of the first n indexes. */
function hit(index: number, share: number): boolean {
  return Math.floor((index + 1) * share) > Math.floor(index * share);
}

const PROTECTION: ProtectionRecord = {
  required_approving_review_count: 1,
  dismiss_stale_reviews: false,
  require_code_owner_reviews: false,
  required_status_checks: [],
  enforce_admins: false,
  allow_force_pushes: false,
  allow_deletions: false,
  push_users: null,
};

/**
 * Sized content: items alternate so that 2 of every 5 numbers are pull requests while both
 * kinds last; items are 6 hours apart and their comments 10 minutes apart, so id order is
 * creation order in every repository-wide listing.
 */
export function generateSizedContent(repository: RepoSeed, sizes: ContentSizes, people: readonly UserSeed[]): RepositoryContent {
  const rng = createRng(`github-content:${repository.id}`);
  const person = (n: number) => people[((n % people.length) + people.length) % people.length]!;
  const start = seconds(repository.created_at);
  const b = new ContentBuilder(repository);

  // --- git ------------------------------------------------------------------------------------
  const features = Math.max(0, sizes.branches - 1);
  const lfs = Array.from({ length: sizes.lfsObjects }, (_, j) => lfsObject(`assets/object-${pad(j + 1)}.bin`, generatedBytes(`github:${repository.id}:lfs:${j}`, 1024 + ((j * 7919) % 63_000))));
  const plan = new PlanBuilder();
  const mainCount = Math.max(2, sizes.commits - features);
  const main: number[] = [
    plan.add({ parents: [], message: "Initial commit", author: gitIdentity(person(0)), timestamp: start, files: { "README.md": `# ${repository.name}\n\n${repository.description ?? ""}\n`, ".gitattributes": LFS_ATTRIBUTES } }),
  ];
  main.push(plan.add({ parents: [main[0]!], message: lfs.length > 0 ? `Add ${lfs.length} LFS objects` : "Add sources", author: gitIdentity(person(1)), timestamp: start + HOUR, files: { ...lfsFiles(lfs), "src/index.ts": "export const version = 1;\n" } }));
  for (let k = 2; k < mainCount; k++) {
    const file = `src/module-${pad(k % 40, 2)}/file-${pad(Math.floor(k / 40) % 25, 2)}.ts`;
    main.push(plan.add({ parents: [main[k - 1]!], message: `Change ${file}`, author: gitIdentity(person(k)), timestamp: start + k * HOUR, files: { [file]: `// revision ${k}\nexport const value = ${k};\n` } }));
  }
  const branches: Record<string, number> = { main: main[mainCount - 1]! };
  for (let f = 1; f <= features; f++) {
    const fork = main[Math.min(mainCount - 1, 1 + Math.floor((f * (mainCount - 2)) / (features + 1)))]!;
    branches[`feature/${pad(f)}`] = plan.add({ parents: [fork], message: `Feature ${pad(f)}`, author: gitIdentity(person(f)), timestamp: start + (mainCount + f) * HOUR, files: { [`features/f-${pad(f)}.ts`]: `export const feature = ${f};\n` } });
  }
  const itemStart = start + (mainCount + features + 1) * HOUR;

  // --- base data ------------------------------------------------------------------------------
  const labels = [b.label("bug", "d73a4a", "Something isn't working"), b.label("enhancement", "a2eeef", "New feature or request"), b.label("question", "d876e3", null)];
  const milestones = [0, 1, 2].map((m) =>
    b.milestone({ title: `v${m + 1}.0`, description: `Release ${m + 1}`, state: m === 0 ? "closed" : "open", creator: person(m).id, created_at: iso(start), updated_at: iso(start), closed_at: m === 0 ? iso(itemStart) : null, due_on: iso(start + (m + 1) * 90 * 24 * HOUR) }),
  );

  // --- items ----------------------------------------------------------------------------------
  // Which numbers are pull requests (and their heads) is decided first, so the plan is hashed once with every refs/pull/N/head.
  const total = sizes.pullRequests + sizes.issues;
  const pullNumbers = new Set<number>();
  for (let n = 1, issues = 0; n <= total; n++) {
    if (pullNumbers.size < sizes.pullRequests && (issues >= sizes.issues || n % 5 === 1 || n % 5 === 3)) pullNumbers.add(n);
    else issues++;
  }
  const featureOf = (pullIndex: number) => (features > 0 ? ((pullIndex - 1) % features) + 1 : 0);
  const headMarkOf = (f: number) => (f > 0 ? branches[`feature/${pad(f)}`]! : branches.main!);
  const refs: Record<string, number> = {};
  [...pullNumbers].forEach((n, i) => (refs[`refs/pull/${n}/head`] = headMarkOf(featureOf(i + 1))));
  const git = plan.plan(branches, [{ name: "v1.0.0", target: main[Math.floor(mainCount / 2)]!, message: "Version 1.0.0", timestamp: start + Math.floor(mainCount / 2) * HOUR + 60, tagger: gitIdentity(person(0)) }], "main", [], refs);
  const baseSha = git.sha(branches.main!);
  let pulls = 0;
  for (let n = 1; n <= total; n++) {
    const isPull = pullNumbers.has(n);
    const created = itemStart + n * 6 * HOUR;
    const author = person(n * 7);
    const roll = rng();
    const closed = roll < 0.6;
    const label = hit(n, 0.2) ? pick(rng, labels).name : null;
    const closedAt = closed ? created + 5 * HOUR : null;
    let pull: ItemRecord["pull"] = null;
    if (isPull) {
      pulls++;
      const f = featureOf(pulls);
      const merged = closed && roll < 0.45;
      pull = {
        draft: !closed && hit(pulls, 0.1),
        head: { ref: f > 0 ? `feature/${pad(f)}` : "main", sha: git.sha(headMarkOf(f)), repo: `${repository.owner}/${repository.name}`, owner: repository.owner },
        base: { ref: "main", sha: baseSha, repo: `${repository.owner}/${repository.name}`, owner: repository.owner },
        merged_at: merged ? iso(closedAt!) : null,
        merged_by: merged ? person(n).id : null,
        merge_commit_sha: merged ? baseSha : null,
        requested_reviewers: hit(pulls, 0.3) ? [person(n + 1).id] : [],
        commits: 1,
        additions: 1 + (n % 9),
        deletions: n % 4,
        changed_files: 1,
      };
    }
    const item = b.item({
      title: `${isPull ? "Change" : "Problem"} number ${n}`,
      body: `Generated ${isPull ? "pull request" : "issue"} ${n}.${hit(n, 0.05) && n > 1 ? ` Related to #${n - 1}.` : ""}`,
      user: author.id,
      state: closed ? "closed" : "open",
      state_reason: closed && !isPull ? (roll < 0.5 ? "completed" : "not_planned") : null,
      labels: label ? [label] : [],
      milestone: hit(n, 0.1) ? milestones[n % 3]!.number : null,
      assignees: hit(n, 0.25) ? [person(n + 2).id] : [],
      created_at: iso(created),
      updated_at: iso(closedAt ?? created + 2 * HOUR),
      closed_at: closedAt ? iso(closedAt) : null,
      closed_by: closed ? person(n).id : null,
      reactions: hit(n, 0.1) ? { "+1": 1 + (n % 3) } : {},
      pull,
    });
    const conversation = isPull ? Math.min(2, sizes.commentsPerPullRequest) : sizes.commentsPerIssue;
    const withComments = !isPull || n % 8 !== 0;
    if (withComments) for (let c = 0; c < conversation; c++) b.comment({ number: n, user: person(n + c).id, body: `Comment ${c + 1} on #${n}`, created_at: iso(created + (c + 1) * 600) });
    if (label) b.event({ number: n, event: "labeled", actor: author.id, created_at: iso(created + 60), label });
    if (item.assignees.length > 0) b.event({ number: n, event: "assigned", actor: author.id, created_at: iso(created + 120), subject: item.assignees[0] });
    if (pull && pull.requested_reviewers.length > 0) b.event({ number: n, event: "review_requested", actor: author.id, created_at: iso(created + 180), subject: pull.requested_reviewers[0] });
    if (hit(n, 0.05) && n > 1) b.event({ number: n - 1, event: "cross-referenced", actor: author.id, created_at: iso(created + 30), source: n });
    if (pull && withComments) {
      const reviewer = person(n + 3);
      const approved = hit(pulls, 0.4);
      const review = b.review({ number: n, user: reviewer.id, state: approved ? "APPROVED" : "COMMENTED", body: approved ? "Looks good" : "", submitted_at: iso(created + 2 * HOUR), commit_id: pull.head.sha });
      const inline = Math.max(0, sizes.commentsPerPullRequest - conversation);
      let first: number | null = null;
      for (let c = 0; c < inline; c++) {
        const comment = b.reviewComment({
          number: n,
          review_id: review.id,
          user: c === 1 ? author.id : reviewer.id,
          body: `Review comment ${c + 1} on #${n}`,
          path: `features/f-${pad(Math.max(1, features > 0 ? ((pulls - 1) % features) + 1 : 1))}.ts`,
          diff_hunk: "@@ -0,0 +1 @@\n+export const feature = 1;",
          commit_id: pull.head.sha,
          side: "RIGHT",
          line: 1,
          in_reply_to_id: c === 1 ? first : null,
          created_at: iso(created + 2 * HOUR + (c + 1) * 60),
        });
        if (c === 0) first = comment.id;
      }
    }
    if (closedAt !== null) {
      if (pull?.merged_at) b.event({ number: n, event: "merged", actor: pull.merged_by!, created_at: iso(closedAt), commit_id: pull.head.sha });
      b.event({ number: n, event: "closed", actor: person(n).id, created_at: iso(closedAt) });
    }
  }
  b.releases.push({
    id: b.id(),
    tag_name: "v1.0.0",
    target_commitish: "main",
    name: "Version 1.0.0",
    body: "First release.",
    draft: false,
    prerelease: false,
    author: person(0).id,
    created_at: iso(itemStart),
    published_at: iso(itemStart),
    assets: [],
  });
  return b.content(git, { lfs: lfsMap(lfs), protections: { main: PROTECTION } });
}
