/**
 * The Bitbucket Server sandbox's fixed world: users (one deactivated, one administrator),
 * projects (team projects and personal `~user` projects) and their repositories. Generated
 * repositories and the bench repository are added by the state (state.ts).
 */
import type { ServerProject, ServerRepository, ServerUser } from "./model";

function user(id: number, name: string, displayName: string, extra: Partial<ServerUser> = {}): ServerUser {
  return { id, name, displayName, emailAddress: `${name}@example.com`, active: true, admin: false, token: `BBDC-${name}-sandbox-token`, password: `${name}-password`, ...extra };
}

export const SERVER_USERS = {
  admin: user(1, "admin", "Ada Admin", { admin: true }),
  alice: user(2, "alice", "Alice Anders"),
  bob: user(3, "bob", "Bob Brown"),
  carol: user(4, "carol", "Carol Clark", { active: false }),
  dave: user(5, "dave", "Dave Davies"),
  // The user of GitLab's documented example request (POST /import/bitbucket_server).
  root: user(6, "root", "Root", { admin: true, token: "MY_TOKEN" }),
} as const satisfies Record<string, ServerUser>;

export type ServerUserName = keyof typeof SERVER_USERS;
export const SERVER_USER_LIST: readonly ServerUser[] = Object.values(SERVER_USERS);

export const SHOWCASE_PROJECT = "ACME";
export const SHOWCASE_SLUG = "showcase";
/** `KEY/slug` of the repository that exercises every import rule. */
export const SHOWCASE_REPOSITORY = `${SHOWCASE_PROJECT}/${SHOWCASE_SLUG}`;
export const BENCH_PROJECT = "BENCH";
export const BENCH_REPOSITORY = `${BENCH_PROJECT}/big-repo`;

const TEAM = ["admin", "alice", "bob", "dave", "root"];

export const SERVER_PROJECTS: readonly ServerProject[] = [
  { id: 1, key: "ACME", name: "Acme", public: false, readers: TEAM },
  { id: 2, key: "OPS", name: "Operations", public: false, readers: TEAM },
  { id: 3, key: "SECRET", name: "Secret", public: false, readers: ["admin"] },
  { id: 4, key: "~BOB", name: "Bob Brown", public: false, readers: ["bob"], owner: "bob" },
  { id: 5, key: "~CAROL", name: "Carol Clark", public: false, readers: ["carol"], owner: "carol" },
  { id: 6, key: "NEW", name: "New", public: false, readers: TEAM },
];

export const BENCH_PROJECT_RECORD: ServerProject = { id: 9, key: BENCH_PROJECT, name: "Bench", public: false, readers: TEAM };

export const FIXED_REPOSITORIES: readonly ServerRepository[] = [
  { id: 1, projectKey: "ACME", slug: SHOWCASE_SLUG, name: "Showcase", description: "Every rule of the Bitbucket Server import in one repository", public: false },
  { id: 2, projectKey: "SECRET", slug: "vault", name: "Vault", description: "Only administrators read this", public: false },
  // Bob's fork is public (readable by everyone); Carol's is private.
  { id: 3, projectKey: "~BOB", slug: SHOWCASE_SLUG, name: "Showcase", description: "Bob's fork", public: true, origin: SHOWCASE_REPOSITORY },
  { id: 4, projectKey: "~CAROL", slug: SHOWCASE_SLUG, name: "Showcase", description: "Carol's fork", public: false, origin: SHOWCASE_REPOSITORY },
  // GitLab's documented example request imports NEW/my-repo.
  { id: 5, projectKey: "NEW", slug: "my-repo", name: "My repo", description: "The repository of the documented example", public: false },
];

/** Generated repositories, spread over ACME and OPS (names for the picker's filter). */
export function generatedRepositories(count: number): ServerRepository[] {
  const kinds = ["api", "web", "worker", "docs", "infra", "mobile"];
  return Array.from({ length: count }, (_, index) => {
    const kind = kinds[index % kinds.length]!;
    const number = String(index + 1).padStart(2, "0");
    return { id: 100 + index, projectKey: index % 3 === 2 ? "OPS" : "ACME", slug: `${kind}-${number}`, name: `${kind[0]!.toUpperCase()}${kind.slice(1)} ${number}`, description: `Generated ${kind} repository`, public: index % 4 === 0 };
  });
}

export const BENCH_REPOSITORY_RECORD: ServerRepository = { id: 999, projectKey: BENCH_PROJECT, slug: "big-repo", name: "Big repo", description: "The bench repository", public: false };
