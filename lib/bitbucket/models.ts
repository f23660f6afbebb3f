/**
 * Bitbucket Cloud payloads: permissive zod schemas for the raw JSON (unknown
 * fields pass through, the fields we rely on are checked) that transform into
 * clean camelCase domain types.
 *
 * Adding a resource (pull requests, comments, issues...) = a raw schema here,
 * a `.transform()` to its domain type, and a client method that calls
 * `getJson`/`paginate` with it.
 *
 * Timestamps stay ISO-8601 strings as Bitbucket sends them, so domain objects
 * survive JSON serialisation (API routes, react-query) unchanged.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------
// Shared pieces

const href = z.looseObject({ href: z.string() });

/** Pagination envelope: only `values` and `next` are guaranteed; `next` is an absolute URL. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.looseObject({
    values: z.array(item),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    page: z.number().int().optional(),
    pagelen: z.number().int().optional(),
    size: z.number().int().optional(),
  });
}

export interface Page<T> {
  values: T[];
  /** Absolute URL of the next page; null on the last page. */
  next: string | null;
  page?: number;
  pagelen?: number;
  /** Total number of items, when Bitbucket computed it. */
  size?: number;
}

// ---------------------------------------------------------------------------
// Users

/** A Bitbucket account as embedded in other objects (members, PR authors, commenters). */
export interface BitbucketUser {
  uuid: string;
  accountId: string | null;
  nickname: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  /** "user", "team", "app_user", ... */
  type: string | null;
}

export const rawUserSchema = z.looseObject({
  type: z.string().optional(),
  uuid: z.string(),
  account_id: z.string().nullish(),
  nickname: z.string().nullish(),
  display_name: z.string().nullish(),
  links: z.looseObject({ avatar: href.nullish() }).nullish(),
});

export function toUser(raw: z.output<typeof rawUserSchema>): BitbucketUser {
  return {
    uuid: raw.uuid,
    accountId: raw.account_id ?? null,
    nickname: raw.nickname ?? null,
    displayName: raw.display_name ?? null,
    avatarUrl: raw.links?.avatar?.href ?? null,
    type: raw.type ?? null,
  };
}

export const userSchema = rawUserSchema.transform(toUser);

/** The signed-in account (GET /2.0/user). */
export interface CurrentUser {
  uuid: string;
  accountId: string;
  nickname: string;
  displayName: string;
  avatarUrl: string | null;
}

export const currentUserSchema = z
  .looseObject({
    uuid: z.string(),
    account_id: z.string(),
    nickname: z.string(),
    display_name: z.string(),
    links: z.looseObject({ avatar: href.nullish() }).nullish(),
  })
  .transform(
    (raw): CurrentUser => ({
      uuid: raw.uuid,
      accountId: raw.account_id,
      nickname: raw.nickname,
      displayName: raw.display_name,
      avatarUrl: raw.links?.avatar?.href ?? null,
    }),
  );

export interface UserEmail {
  email: string;
  isPrimary: boolean;
  isConfirmed: boolean;
}

export const userEmailSchema = z
  .looseObject({ email: z.string(), is_primary: z.boolean(), is_confirmed: z.boolean() })
  .transform((raw): UserEmail => ({ email: raw.email, isPrimary: raw.is_primary, isConfirmed: raw.is_confirmed }));

// ---------------------------------------------------------------------------
// Workspaces

export interface WorkspaceAccess {
  slug: string;
  uuid: string;
  name?: string;
  /** Whether the current user administers the workspace. */
  administrator: boolean;
}

/** GET /2.0/user/workspaces: `workspace_access` objects. */
export const workspaceAccessSchema = z
  .looseObject({
    administrator: z.boolean().optional(),
    workspace: z.looseObject({ uuid: z.string(), slug: z.string(), name: z.string().nullish() }),
  })
  .transform((raw): WorkspaceAccess => {
    const access: WorkspaceAccess = {
      slug: raw.workspace.slug,
      uuid: raw.workspace.uuid,
      administrator: raw.administrator === true,
    };
    if (raw.workspace.name) access.name = raw.workspace.name;
    return access;
  });

/** GET /2.0/workspaces/{ws}/members: `workspace_membership` objects; we keep the user. */
export const workspaceMembershipSchema = z
  .looseObject({ user: rawUserSchema })
  .transform((raw): BitbucketUser => toUser(raw.user));

// ---------------------------------------------------------------------------
// Repositories

export interface Repository {
  uuid: string;
  /** "workspace/slug" */
  fullName: string;
  slug: string;
  name: string;
  workspaceSlug: string;
  description: string;
  isPrivate: boolean;
  /** "git" (Mercurial repositories no longer exist, but anything else is incompatible). */
  scm: string;
  /** null for an empty repository. */
  mainBranch: string | null;
  hasIssues: boolean;
  hasWiki: boolean;
  language: string | null;
  /** Bytes, when reported. */
  size: number | null;
  createdOn: string | null;
  updatedOn: string | null;
  /** The repository's page on Bitbucket (links.html.href; always present on Bitbucket Cloud). */
  htmlUrl: string;
  /** HTTPS clone URL with the user info Bitbucket embeds removed. */
  httpsCloneUrl: string | null;
  project: { key: string; name: string | null; uuid: string | null } | null;
  /** Full name of the repository this one was forked from. */
  parentFullName: string | null;
}

export const rawRepositorySchema = z.looseObject({
  uuid: z.string(),
  full_name: z.string(),
  name: z.string(),
  slug: z.string().nullish(),
  description: z.string().nullish(),
  is_private: z.boolean(),
  scm: z.string().nullish(),
  mainbranch: z.looseObject({ name: z.string() }).nullish(),
  has_issues: z.boolean().nullish(),
  has_wiki: z.boolean().nullish(),
  language: z.string().nullish(),
  size: z.number().nullish(),
  created_on: z.string().nullish(),
  updated_on: z.string().nullish(),
  links: z.looseObject({
      html: href,
      clone: z.array(z.looseObject({ name: z.string(), href: z.string() })).nullish(),
    }),
  project: z.looseObject({ key: z.string(), name: z.string().nullish(), uuid: z.string().nullish() }).nullish(),
  workspace: z.looseObject({ slug: z.string() }).nullish(),
  parent: z.looseObject({ full_name: z.string() }).nullish(),
});

export function toRepository(raw: z.output<typeof rawRepositorySchema>): Repository {
  const [ownerPart, slugPart] = splitFullName(raw.full_name);
  const https = raw.links.clone?.find((link) => link.name === "https")?.href ?? null;
  return {
    uuid: raw.uuid,
    fullName: raw.full_name,
    slug: raw.slug ?? slugPart,
    name: raw.name,
    workspaceSlug: raw.workspace?.slug ?? ownerPart,
    description: raw.description ?? "",
    isPrivate: raw.is_private,
    scm: raw.scm ?? "git",
    mainBranch: raw.mainbranch?.name ?? null,
    hasIssues: raw.has_issues ?? false,
    hasWiki: raw.has_wiki ?? false,
    language: raw.language ? raw.language : null,
    size: raw.size ?? null,
    createdOn: raw.created_on ?? null,
    updatedOn: raw.updated_on ?? null,
    htmlUrl: raw.links.html.href,
    httpsCloneUrl: https === null ? null : stripUserInfo(https),
    project: raw.project ? { key: raw.project.key, name: raw.project.name ?? null, uuid: raw.project.uuid ?? null } : null,
    parentFullName: raw.parent?.full_name ?? null,
  };
}

export const repositorySchema = rawRepositorySchema.transform(toRepository);

/** Alias for code that prefers the prefixed name. */
export type BitbucketRepository = Repository;

function splitFullName(fullName: string): [string, string] {
  const index = fullName.indexOf("/");
  return index === -1 ? [fullName, fullName] : [fullName.slice(0, index), fullName.slice(index + 1)];
}

function stripUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}
