/**
 * The GitHub sandbox's fixed world: accounts (with tokens), organisations, repositories and
 * gists. Ids are fixed so tests and importers can rely on them.
 */
import { createRng, intBetween, pick } from "../common/random";
import type { GistSeed, OrgSeed, Permission, RepoSeed, UserSeed } from "./model";

function token(login: string, id: number): string {
  // Classic personal access tokens: ghp_ and 36 alphanumerics.
  return `ghp_${`Sandbox${login.replace(/[^A-Za-z0-9]/g, "")}${id}`.padEnd(36, "0").slice(0, 36)}`;
}

function user(id: number, login: string, name: string, extra: Partial<UserSeed> = {}): UserSeed {
  return { id, login, name, email: `${login}@example.com`, token: token(login, id), created_at: "2015-03-01T10:00:00Z", ...extra };
}

export const GITHUB_ACCOUNTS = {
  alice: user(1001, "alice", "Alice Andersson"),
  bob: user(1002, "bob", "Bob Brown"),
  carol: user(1003, "carol", "Carol Chen", { email: null }),
  /** Renamed from `dan`: old bodies still say @dan, the id is the same. */
  daniel: user(1004, "daniel", "Daniel Dubois", { previous_logins: ["dan"] }),
  erin: user(1005, "erin", "Erin Evans"),
  /** GitHub's stand-in for deleted accounts; it has no usable token. */
  ghost: user(10137, "ghost", "Deleted user", { email: null, token: "" }),
} as const satisfies Record<string, UserSeed>;

export type GithubLogin = keyof typeof GITHUB_ACCOUNTS;
export const GITHUB_ACCOUNT_LIST: readonly UserSeed[] = Object.values(GITHUB_ACCOUNTS);

export const GITHUB_ORGS: readonly OrgSeed[] = [
  {
    id: 5001,
    login: "acme",
    name: "Acme Corporation",
    description: "Rockets, anvils and portable holes.",
    members: [
      { login: "alice", role: "admin" },
      { login: "bob", role: "member" },
    ],
  },
  { id: 5002, login: "umbrella", name: "Umbrella Research", description: "Nothing to see here.", members: [{ login: "carol", role: "admin" }] },
];

export const BENCH_ORG: OrgSeed = { id: 5100, login: "bench", name: "Bench", description: "The benchmark organisation.", members: [{ login: "alice", role: "admin" }] };

export const SHOWCASE_REPOSITORY = "acme/rocket";
export const BENCH_REPOSITORY = "bench/big-repo";

const SHOWCASE_COLLABORATORS: RepoSeed["collaborators"] = [
  { login: "bob", permission: "write" },
  { login: "carol", permission: "maintain" },
  { login: "daniel", permission: "read" },
  { login: "erin", permission: "triage" },
];

function repo(id: number, owner: string, name: string, fields: Partial<RepoSeed>): RepoSeed {
  return {
    id,
    owner,
    name,
    private: false,
    description: null,
    homepage: null,
    topics: [],
    has_wiki: false,
    has_issues: true,
    created_at: "2019-05-01T09:00:00Z",
    pushed_at: "2024-05-01T09:00:00Z",
    collaborators: [],
    content: "generic",
    ...fields,
  };
}

const FIXED_REPOSITORIES: readonly RepoSeed[] = [
  repo(7001, "acme", "rocket", {
    private: true,
    description: "Rocket launcher: the showcase of every import rule",
    homepage: "https://acme.example.com/rocket",
    topics: ["rockets", "showcase"],
    has_wiki: true,
    created_at: "2021-01-04T09:00:00Z",
    pushed_at: "2024-03-01T12:00:00Z",
    collaborators: SHOWCASE_COLLABORATORS,
    orgBasePermission: "read",
    content: "showcase",
  }),
  repo(7002, "acme", "website", { description: "Public website", has_wiki: true, orgBasePermission: "write" }),
  repo(7003, "alice", "dotfiles", { description: "Alice's dotfiles" }),
  repo(7004, "alice", "secret-notes", { private: true, description: "Private notes", collaborators: [{ login: "bob", permission: "read" }] }),
  repo(7005, "umbrella", "research", { private: true, description: "Unreadable for alice", orgBasePermission: "write" }),
];

const WORDS = ["orbit", "comet", "nebula", "quasar", "pulsar", "apollo", "gemini", "mercury", "vostok", "soyuz", "artemis", "voyager"];

/** acme's generated repositories: `acme/<word>-<n>`, ids from 7010. */
export function generatedRepositories(count: number): RepoSeed[] {
  const rng = createRng("github:repositories");
  return Array.from({ length: count }, (_, i) => {
    const permission: Permission = pick(rng, ["read", "write"] as const);
    return repo(7010 + i, "acme", `${pick(rng, WORDS)}-${i + 1}`, {
      private: rng() < 0.5,
      description: `Generated repository ${i + 1}`,
      has_wiki: rng() < 0.3,
      created_at: new Date(Date.UTC(2020, 0, 1) + intBetween(rng, 0, 900) * 86_400_000).toISOString().replace(".000", ""),
      orgBasePermission: permission,
    });
  });
}

export const BENCH_REPOSITORY_SEED: RepoSeed = repo(7100, "bench", "big-repo", {
  private: true,
  description: "The bench repository",
  has_wiki: false,
  created_at: "2020-01-01T00:00:00Z",
  content: "bench",
});

export function sandboxRepositories(generated: number, bench: boolean): RepoSeed[] {
  return [...FIXED_REPOSITORIES, ...generatedRepositories(generated), ...(bench ? [BENCH_REPOSITORY_SEED] : [])];
}

function gistId(n: number): string {
  const rng = createRng(`gist:${n}`);
  return Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join("");
}

export const GITHUB_GISTS: readonly GistSeed[] = [
  {
    id: gistId(1),
    owner: "alice",
    description: "Deploy helpers",
    public: true,
    created_at: "2022-02-01T10:00:00Z",
    revisions: [
      { at: "2022-02-01T10:00:00Z", files: [{ filename: "deploy.sh", content: "#!/bin/sh\necho deploy\n" }] },
      {
        at: "2022-02-03T10:00:00Z",
        files: [
          { filename: "deploy.sh", content: "#!/bin/sh\nset -e\necho deploy \"$1\"\n" },
          { filename: "README.md", content: "# Deploy helpers\n\nRun `deploy.sh <env>`.\n" },
        ],
      },
    ],
  },
  {
    id: gistId(2),
    owner: "alice",
    description: null,
    public: false,
    created_at: "2022-03-01T10:00:00Z",
    revisions: [{ at: "2022-03-01T10:00:00Z", files: [{ filename: "notes.txt", content: "secret gist: no description, so the first file names it\n" }] }],
  },
  {
    id: gistId(3),
    owner: "alice",
    description: "Eleven files: more than an importer takes",
    public: true,
    created_at: "2022-04-01T10:00:00Z",
    revisions: [{ at: "2022-04-01T10:00:00Z", files: Array.from({ length: 11 }, (_, i) => ({ filename: `part-${i + 1}.txt`, content: `part ${i + 1}\n` })) }],
  },
  {
    id: gistId(5),
    owner: "carol",
    description: "Markup that must stay text",
    public: true,
    created_at: "2022-06-01T10:00:00Z",
    revisions: [
      {
        at: "2022-06-01T10:00:00Z",
        files: [
          { filename: "notes.md", content: '# Notes\n\n<script>window.__gistXss = 1</script>\n<img src="x" onerror="window.__gistXss = 2">\n\n[a link](javascript:window.__gistXss=3)\n' },
          { filename: "page.html", content: "<script>window.__gistXss = 4</script>\n<b>bold?</b>\n" },
        ],
      },
    ],
  },
  {
    id: gistId(4),
    owner: "bob",
    description: "Bob's snippet",
    public: true,
    created_at: "2022-05-01T10:00:00Z",
    revisions: [{ at: "2022-05-01T10:00:00Z", files: [{ filename: "hello.py", content: "print('hello')\n" }] }],
  },
];
