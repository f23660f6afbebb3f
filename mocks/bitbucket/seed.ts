/**
 * The sandbox's fixed facts and its deterministic data generator.
 *
 * Accounts and workspaces are constants. Repositories are generated from word lists with
 * a PRNG seeded by the workspace slug, one workspace at a time and only when first needed
 * (see SandboxState.repositoriesOf), so even the "large" scale starts instantly.
 */
import { bitbucketTimestamp, createRng, hashString, intBetween, pick, uuidFromName, type Rng } from "./random";

// ---------------------------------------------------------------------------------------------
// Accounts and the OAuth consumer

export interface SandboxAccountSeed {
  /** Bitbucket user UUID, braces form. Stable across renames. */
  readonly uuid: string;
  /** Atlassian account id (either "557058:<uuid>" or 24 hex digits, both occur in reality). */
  readonly account_id: string;
  readonly nickname: string;
  readonly display_name: string;
  /** Primary, confirmed email; the username for API-token Basic auth. */
  readonly email: string;
  /** Atlassian API token: Basic `<email>:<token>` on the API, `x-bitbucket-api-token-auth:<token>` for git. */
  readonly apiToken: string;
  readonly created_on: string;
}

export const SANDBOX_ACCOUNTS = {
  alice: {
    uuid: "{7b3f2a4e-91c5-4d8e-a6f0-2c1b9e8d7a01}",
    account_id: "557058:c9a4e1f2-3b6d-4f8a-9e07-5d2c1b0a9f11",
    nickname: "alice",
    display_name: "Alice Anders",
    email: "alice@example.com",
    apiToken: "ATATT3xFfGF0sandbox-alice-7d1e9c4b2a",
    created_on: "2013-04-02T09:12:44.101232+00:00",
  },
  bob: {
    uuid: "{2d8c6e1a-5f47-4b39-8e2d-0a1c3b5d7e02}",
    account_id: "557058:4e7f9a2b-6c1d-4e3f-8a5b-7c9d0e1f2a22",
    nickname: "bob",
    display_name: "Bob Brown",
    email: "bob@example.com",
    apiToken: "ATATT3xFfGF0sandbox-bob-3f8a6e0d51",
    created_on: "2015-09-17T14:03:10.552810+00:00",
  },
  carol: {
    uuid: "{9e4a7c2f-3b18-4d6e-b5a0-8f1e2d3c4b03}",
    account_id: "5f1a2b3c4d5e6f7a8b9c0d33",
    nickname: "carol",
    display_name: "Carol Chen",
    email: "carol@example.com",
    apiToken: "ATATT3xFfGF0sandbox-carol-b42c7f9e08",
    created_on: "2019-01-23T08:45:00.000310+00:00",
  },
} as const satisfies Record<string, SandboxAccountSeed>;

export type SandboxNickname = keyof typeof SANDBOX_ACCOUNTS;

export const SANDBOX_ACCOUNT_LIST: readonly SandboxAccountSeed[] = Object.values(SANDBOX_ACCOUNTS);

export interface SandboxConsumer {
  readonly key: string;
  readonly secret: string;
  readonly name: string;
  /** Used when the authorize request has no redirect_uri. Any http(s) redirect_uri is accepted. */
  readonly callbackUrl: string;
  /** Bitbucket grants the scopes configured on the consumer, whatever the request asks for. */
  readonly scopes: readonly string[];
  /** The account that client_credentials tokens act as. */
  readonly owner: SandboxNickname;
}

function envValue(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The sandbox's one OAuth consumer ("Ferry"). Key and secret can be overridden by env. */
export const SANDBOX_CONSUMER: SandboxConsumer = {
  key: envValue("SANDBOX_CLIENT_ID") ?? "ferry-sandbox",
  secret: envValue("SANDBOX_CLIENT_SECRET") ?? "ferry-sandbox-secret",
  name: "Ferry",
  callbackUrl: envValue("SANDBOX_CALLBACK_URL") ?? "http://localhost:3000/api/auth/callback/bitbucket",
  scopes: ["project", "repository", "pullrequest", "issue", "wiki", "account", "email"],
  owner: "alice",
};

// ---------------------------------------------------------------------------------------------
// Workspaces

export interface ProjectSeed {
  readonly key: string;
  readonly name: string;
  readonly uuid: string;
}

export interface WorkspaceMemberSeed {
  /** The member's original nickname (a SANDBOX_ACCOUNTS key, or a bench account's nickname). */
  readonly nickname: string;
  readonly administrator: boolean;
}

export interface WorkspaceSeed {
  readonly uuid: string;
  readonly slug: string;
  readonly name: string;
  readonly created_on: string;
  /** Set for a personal workspace: the owning account's nickname. */
  readonly personalOf?: SandboxNickname;
  readonly members: readonly WorkspaceMemberSeed[];
  readonly repositoryCount: number;
  readonly projects: readonly ProjectSeed[];
}

function project(workspace: string, key: string, name: string): ProjectSeed {
  return { key, name, uuid: `{${uuidFromName(`project:${workspace}:${key}`)}}` };
}

type WorkspaceRow = Omit<WorkspaceSeed, "members" | "projects"> & {
  /** Each member, in listing order, with the role it has in the workspace. */
  readonly members: Partial<Record<SandboxNickname, "administrator" | "member">>;
  /** Project names by key. */
  readonly projects: Readonly<Record<string, string>>;
};

function workspace({ members, projects, ...row }: WorkspaceRow): WorkspaceSeed {
  return {
    ...row,
    members: Object.entries(members).map(([nickname, role]) => ({ nickname, administrator: role === "administrator" })),
    projects: Object.entries(projects).map(([key, name]) => project(row.slug, key, name)),
  };
}

/** The four workspaces of the default seed. alice (the demo user) is a member of all of them. */
export const SANDBOX_WORKSPACES: readonly WorkspaceSeed[] = [
  workspace({ uuid: "{a7c3e5f1-2b4d-4c6e-8f0a-1b3c5d7e9f10}", slug: "acme", name: "Acme Corporation", created_on: "2013-05-14T10:00:00.000000+00:00", members: { alice: "administrator", bob: "member", carol: "member" }, repositoryCount: 120, projects: { WEB: "Web", API: "Platform APIs", MOB: "Mobile", OPS: "Operations", DATA: "Data & Analytics", LEG: "Legacy" } }),
  workspace({ uuid: "{b8d4f6a2-3c5e-4d7f-9a1b-2c4d6e8f0a21}", slug: "globex", name: "Globex Corporation", created_on: "2016-02-01T16:30:00.000000+00:00", members: { bob: "administrator", alice: "member" }, repositoryCount: 6, projects: { GLX: "Globex Core", RND: "Research" } }),
  workspace({ uuid: "{c9e5a7b3-4d6f-4e8a-ab2c-3d5e7f9a1b32}", slug: "initech", name: "Initech", created_on: "2018-07-09T08:15:00.000000+00:00", members: { carol: "administrator", alice: "member" }, repositoryCount: 5, projects: { TPS: "TPS Reports", INT: "Internal Tools" } }),
  // A personal workspace has the user's UUID and nickname (Bitbucket creates it with the account).
  workspace({ uuid: SANDBOX_ACCOUNTS.alice.uuid, slug: "alice", name: "Alice Anders", created_on: SANDBOX_ACCOUNTS.alice.created_on, personalOf: "alice", members: { alice: "administrator" }, repositoryCount: 5, projects: { PER: "Personal" } }),
];

export const SANDBOX_REPOSITORY_TOTAL_DEFAULT = SANDBOX_WORKSPACES.reduce((sum, ws) => sum + ws.repositoryCount, 0);

/**
 * Workspaces that exist but that no sandbox account belongs to: they are not listed anywhere
 * (not in SANDBOX_WORKSPACES or state.workspaces) but can be looked up by slug. coyote-labs
 * holds a private fork of acme/rocket-launcher that is the source of a pull request nobody can read.
 */
export const HIDDEN_WORKSPACES: readonly WorkspaceSeed[] = [
  workspace({ uuid: "{d1f6b8c4-5e7a-4f9b-bc3d-4e6f8a0b2c43}", slug: "coyote-labs", name: "Coyote Labs", created_on: "2021-04-01T12:00:00.000000+00:00", members: {}, repositoryCount: 1, projects: { ACME: "ACME Products" } }),
];

/** Seed size: the default seed (136 repositories), "large" (5,000 in 50 workspaces) or explicit numbers. */
export type SandboxScale = "default" | "large" | { workspaces: number; repositories: number };

export function resolveScale(scale: SandboxScale | undefined): { workspaces: number; repositories: number } {
  if (scale === undefined || scale === "default") {
    return { workspaces: SANDBOX_WORKSPACES.length, repositories: SANDBOX_REPOSITORY_TOTAL_DEFAULT };
  }
  if (scale === "large") return { workspaces: 50, repositories: 5000 };
  return {
    workspaces: Math.max(SANDBOX_WORKSPACES.length, Math.floor(scale.workspaces)),
    repositories: Math.max(SANDBOX_REPOSITORY_TOTAL_DEFAULT, Math.floor(scale.repositories)),
  };
}

/**
 * All workspaces for a scale: the four default ones first, then generated `scale-NN`
 * workspaces sharing the remaining repositories. alice is in all of them (administrator
 * of every other one), bob in the even ones, carol in every third.
 */
export function generateWorkspaces(scale: SandboxScale | undefined): WorkspaceSeed[] {
  const { workspaces, repositories } = resolveScale(scale);
  const result: WorkspaceSeed[] = [...SANDBOX_WORKSPACES];
  const extra = workspaces - SANDBOX_WORKSPACES.length;
  if (extra <= 0) return result;
  const remaining = repositories - SANDBOX_REPOSITORY_TOTAL_DEFAULT;
  for (let i = 0; i < extra; i++) {
    const number = String(i + SANDBOX_WORKSPACES.length + 1).padStart(2, "0");
    const slug = `scale-${number}`;
    const rng = createRng(`workspace:${slug}`);
    const members: WorkspaceMemberSeed[] = [{ nickname: "alice", administrator: i % 2 === 0 }];
    if (i % 2 === 0) members.push({ nickname: "bob", administrator: false });
    if (i % 3 === 0) members.push({ nickname: "carol", administrator: i % 2 !== 0 });
    const count = Math.floor(remaining / extra) + (i < remaining % extra ? 1 : 0);
    result.push({
      uuid: `{${uuidFromName(`workspace:${slug}`)}}`,
      slug,
      name: `Scale Workspace ${number}`,
      created_on: bitbucketTimestamp(Date.UTC(2014, 0, 1) + Math.floor(rng() * 3000) * DAY),
      members,
      repositoryCount: count,
      projects: [project(slug, "CORE", "Core"), project(slug, "SVC", "Services"), project(slug, "UI", "Frontends")],
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Repositories

export type ForkPolicy = "allow_forks" | "no_public_forks" | "no_forks";

/** The stored facts of one repository; the API representation is built from it in serialize.ts. */
export interface RepositoryRecord {
  readonly uuid: string;
  readonly workspace: string;
  readonly slug: string;
  /** "workspace/slug". */
  readonly full_name: string;
  readonly name: string;
  readonly description: string;
  readonly is_private: boolean;
  readonly created_on: string;
  readonly updated_on: string;
  readonly language: string;
  readonly size: number;
  readonly has_issues: boolean;
  readonly has_wiki: boolean;
  readonly fork_policy: ForkPolicy;
  readonly mainbranch: string;
  readonly projectKey: string;
  readonly website: string | null;
  /** "workspace/slug" of the parent repository when this is a fork. */
  readonly parent: string | null;
  /** Position in the workspace (0-based): the default listing order. */
  readonly index: number;
  /** Seed for everything generated later for this repository (git content, pull requests, ...). */
  readonly seed: number;
}

const DAY = 24 * 60 * 60 * 1000;
/** Nothing in the seed is newer than this ("today" is November 2026). */
export const SEED_NOW = Date.UTC(2026, 10, 15, 12, 0, 0);
const SEED_EPOCH = Date.UTC(2013, 0, 1);

const PREFIXES = [
  "payment", "customer", "order", "billing", "inventory", "catalog", "search", "identity", "notification",
  "shipping", "analytics", "reporting", "pricing", "checkout", "partner", "media", "asset", "audit",
  "loyalty", "support", "onboarding", "scheduler", "marketing", "warehouse", "ledger", "invoice", "fraud",
  "routing", "feature", "content",
] as const;
const NOUNS = [
  "service", "api", "gateway", "portal", "dashboard", "worker", "sdk", "cli", "engine", "pipeline",
  "console", "connector", "proxy", "importer", "exporter", "sync", "bot", "hub", "app", "lib",
] as const;
const LANGUAGES = [
  "typescript", "javascript", "python", "java", "go", "kotlin", "ruby", "php", "c#", "swift", "rust", "scala", "",
] as const;
const TEAMS = ["the web team", "platform engineering", "the mobile squad", "operations", "the data team", "customer success"];

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/'/g, "")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

interface CuratedRepository {
  readonly index: number;
  readonly name: string;
  readonly slug?: string;
  readonly description: string;
  readonly is_private: boolean;
  readonly language: string;
  readonly mainbranch: string;
  readonly projectKey: string;
  readonly has_issues: boolean;
  readonly has_wiki: boolean;
  readonly parent?: string;
  readonly created_on?: string;
  readonly updated_on?: string;
}

/**
 * Hand-written repositories at fixed positions, for tests and demos:
 * - acme/rocket-launcher: private, the usual "import this" example.
 * - acme/legacy-classic-site: public, name with double quotes, description with backslashes.
 * - acme/cafe-r-d-50-oneil-1: special characters (& % + ' # ( ) and non-ASCII) but no quote or backslash.
 * - acme/rocket-launcher-experiments: a fork of acme/rocket-launcher.
 * - globex/open-api-specs, initech/printer-driver, alice/dotfiles: public.
 */
const CURATED: Record<string, readonly CuratedRepository[]> = {
  acme: [
    {
      index: 0,
      name: "rocket-launcher",
      description: "Launch orchestration service for the Road Runner programme.",
      is_private: true,
      language: "typescript",
      mainbranch: "main",
      projectKey: "WEB",
      has_issues: true,
      has_wiki: true,
      // The showcase (showcase.ts): its history starts and ends on these dates.
      created_on: "2024-03-04T09:15:27.104233+00:00",
      updated_on: "2026-11-10T16:42:05.654321+00:00",
    },
    {
      index: 7,
      name: 'Legacy "classic" site',
      slug: "legacy-classic-site",
      description: "The pre-2015 web site. Deploy from C:\\inetpub\\wwwroot\\classic (see \\\\fileserver\\share).",
      is_private: false,
      language: "php",
      mainbranch: "master",
      projectKey: "LEG",
      has_issues: true,
      has_wiki: true,
      created_on: "2013-06-03T11:22:33.123456+00:00",
      updated_on: "2016-02-29T23:59:59.999999+00:00",
    },
    {
      index: 42,
      name: "Café R&D: 50% + O'Neil (β) #1",
      description: "Special characters & symbols: 100% <fun> + 'quotes' #hash.",
      is_private: true,
      language: "python",
      mainbranch: "main",
      projectKey: "DATA",
      has_issues: false,
      has_wiki: false,
    },
    {
      index: 99,
      name: "rocket-launcher-experiments",
      description: "Fork of rocket-launcher for trying out new ideas.",
      is_private: true,
      language: "typescript",
      mainbranch: "main",
      projectKey: "WEB",
      has_issues: false,
      has_wiki: false,
      parent: "acme/rocket-launcher",
      created_on: "2025-05-01T08:00:00.512277+00:00",
      updated_on: "2025-05-03T18:30:00.882431+00:00",
    },
  ],
  globex: [
    {
      index: 1,
      name: "open-api-specs",
      description: "Public OpenAPI specifications of the Globex platform.",
      is_private: false,
      language: "",
      mainbranch: "main",
      projectKey: "GLX",
      has_issues: true,
      has_wiki: false,
    },
  ],
  initech: [
    {
      index: 0,
      name: "TPS Reports",
      slug: "tps-reports",
      description: "Cover sheets included.",
      is_private: true,
      language: "java",
      mainbranch: "master",
      projectKey: "TPS",
      has_issues: true,
      has_wiki: true,
    },
    {
      index: 2,
      name: "printer-driver",
      description: "PC LOAD LETTER.",
      is_private: false,
      language: "c",
      mainbranch: "main",
      projectKey: "INT",
      has_issues: false,
      has_wiki: false,
    },
  ],
  "coyote-labs": [
    {
      index: 0,
      name: "rocket-launcher",
      description: "Our fork, with an anvil dropper.",
      is_private: true,
      language: "typescript",
      mainbranch: "main",
      projectKey: "ACME",
      has_issues: false,
      has_wiki: false,
      parent: "acme/rocket-launcher",
      created_on: "2025-09-09T20:00:00.100000+00:00",
      updated_on: "2025-09-09T22:00:00.200000+00:00",
    },
  ],
  bench: [
    {
      index: 0,
      name: "big-repo",
      description: "The bench repository: thousands of pull requests, issues and commits.",
      is_private: true,
      language: "typescript",
      mainbranch: "main",
      projectKey: "BEN",
      has_issues: true,
      has_wiki: true,
      created_on: "2020-01-01T00:00:00.000000+00:00",
      updated_on: "2026-11-01T00:00:00.000000+00:00",
    },
  ],
  alice: [
    {
      index: 0,
      name: "dotfiles",
      description: "My shell and editor configuration.",
      is_private: false,
      language: "shell",
      mainbranch: "main",
      projectKey: "PER",
      has_issues: false,
      has_wiki: false,
    },
  ],
};

function generatedName(rng: Rng): string {
  const prefix = pick(rng, PREFIXES);
  const noun = pick(rng, NOUNS);
  const style = rng();
  if (style < 0.6) return `${prefix}-${noun}`;
  if (style < 0.85) return `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${noun[0]!.toUpperCase()}${noun.slice(1)}`;
  return `${prefix}-${noun}-${pick(rng, ["v2", "legacy", "next", "core", "tools"])}`;
}

/** Generates the repositories of one workspace, in the workspace's default listing order. */
export function generateRepositories(workspace: WorkspaceSeed): RepositoryRecord[] {
  const rng = createRng(`repositories:${workspace.slug}`);
  const curated = new Map((CURATED[workspace.slug] ?? []).map((repo) => [repo.index, repo]));
  const reserved = new Set([...curated.values()].map((repo) => repo.slug ?? slugify(repo.name)));
  const used = new Set<string>();
  const records: RepositoryRecord[] = [];
  for (let index = 0; index < workspace.repositoryCount; index++) {
    // Always consume the same amount of randomness so curated entries don't shift the others.
    const created = SEED_EPOCH + Math.floor(rng() * ((SEED_NOW - SEED_EPOCH) / DAY - 45)) * DAY + intBetween(rng, 0, DAY - 1);
    const updated = Math.min(SEED_NOW - intBetween(rng, 0, 5) * DAY, created + Math.floor(rng() ** 2 * (SEED_NOW - created)));
    const micros = [intBetween(rng, 0, 999), intBetween(rng, 0, 999)] as const;
    const isPrivate = rng() < 0.7;
    const language = pick(rng, LANGUAGES);
    const size = intBetween(rng, 40_000, 480_000_000);
    const hasIssues = rng() < 0.4;
    const hasWiki = rng() < 0.25;
    const mainbranch = created < Date.UTC(2020, 9, 1) ? (rng() < 0.8 ? "master" : "main") : rng() < 0.9 ? "main" : "trunk";
    const projectSeed = pick(rng, workspace.projects);
    const team = pick(rng, TEAMS);
    const describe = rng();
    let name = generatedName(rng);
    const special = curated.get(index);
    /** What every repository of the workspace has alike: where it is, its place in the listing, its size and seed. */
    const placed = (slug: string) => ({
      uuid: `{${uuidFromName(`repository:${workspace.slug}/${slug}`)}}`,
      workspace: workspace.slug,
      slug,
      full_name: `${workspace.slug}/${slug}`,
      size,
      website: null,
      index,
      seed: hashString(`${workspace.slug}/${slug}`),
    });
    let record: RepositoryRecord;
    if (special) {
      const slug = special.slug ?? slugify(special.name);
      used.add(slug);
      record = {
        ...placed(slug),
        name: special.name,
        description: special.description,
        is_private: special.is_private,
        created_on: special.created_on ?? bitbucketTimestamp(created, micros[0]),
        updated_on: special.updated_on ?? bitbucketTimestamp(updated, micros[1]),
        language: special.language,
        has_issues: special.has_issues,
        has_wiki: special.has_wiki,
        fork_policy: special.is_private ? "no_public_forks" : "allow_forks",
        mainbranch: special.mainbranch,
        projectKey: special.projectKey,
        parent: special.parent ?? null,
      };
    } else {
      let slug = slugify(name);
      for (let n = 2; used.has(slug) || reserved.has(slug); n++) {
        name = `${name.replace(/[- ]\d+$/, "")}${name.includes(" ") ? " " : "-"}${n}`;
        slug = slugify(name);
      }
      used.add(slug);
      record = {
        ...placed(slug),
        name,
        description: describe < 0.2 ? "" : `${name.replace(/-/g, " ")} maintained by ${team}.`,
        is_private: isPrivate,
        created_on: bitbucketTimestamp(created, micros[0]),
        updated_on: bitbucketTimestamp(Math.max(updated, created), micros[1]),
        language,
        has_issues: hasIssues,
        has_wiki: hasWiki,
        fork_policy: isPrivate ? (describe < 0.5 ? "no_public_forks" : "no_forks") : "allow_forks",
        mainbranch,
        projectKey: projectSeed.key,
        parent: null,
      };
    }
    records.push(record);
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Per-repository detail (generated on demand by SandboxState.detail: generate.ts for ordinary
// repositories, showcase.ts for acme/rocket-launcher and its forks, bench.ts for bench/big-repo)

export type {
  RepositoryDetail,
  PullRequestRecord,
  PullRequestCommentRecord,
  IssueRecord,
  IssueCommentRecord,
  LfsObject,
} from "./content";
export type { CommitPlan, TagPlan, GitPlan, HashedGitPlan } from "../common/git-objects";
