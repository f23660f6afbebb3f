/**
 * API representations, following the field lists of real Bitbucket Cloud responses
 * (recorded traffic in sourcegraph's VCR fixtures, the official swagger). Every URL is built
 * from the configured web and API base URLs.
 */
import type { FieldSchema } from "./query";
import type { RepositoryRecord, WorkspaceSeed } from "./seed";
import type { SandboxAccount, SandboxState } from "./state";

export interface SandboxUrls {
  /** Web origin: OAuth, git, HTML pages (https://bitbucket.org). */
  readonly webUrl: string;
  /** API origin (https://api.bitbucket.org); paths start with /2.0. */
  readonly apiUrl: string;
}

const href = (url: string) => ({ href: url });
const enc = (value: string) => encodeURIComponent(value);
const bare = (uuid: string) => uuid.replace(/[{}]/g, "");

export class Serializer {
  readonly webUrl: string;
  readonly apiUrl: string;

  constructor(
    readonly state: SandboxState,
    urls: SandboxUrls,
  ) {
    this.webUrl = urls.webUrl.replace(/\/+$/, "");
    this.apiUrl = urls.apiUrl.replace(/\/+$/, "");
  }

  api(path: string): string {
    return `${this.apiUrl}/2.0${path}`;
  }

  web(path: string): string {
    return `${this.webUrl}${path}`;
  }

  avatar(kind: "user" | "workspace" | "repository" | "project", id: string): string {
    return this.web(`/_sandbox/avatars/${kind}/${enc(bare(id))}.svg`);
  }

  // --- users ------------------------------------------------------------------------------------
  /** The links of a user or a workspace as an owner: its API resource, its avatar and its web page. */
  private ownerLinks(kind: "user" | "workspace", uuid: string) {
    return {
      self: href(this.api(`/${kind}s/${enc(uuid)}`)),
      avatar: href(this.avatar(kind, uuid)),
      html: href(this.web(`/${enc(uuid)}/`)),
    };
  }

  /** The short user object embedded in other resources (owner, members, authors). */
  accountRef(account: SandboxAccount) {
    return {
      display_name: account.display_name,
      links: this.ownerLinks("user", account.uuid),
      type: "user",
      uuid: account.uuid,
      account_id: account.account_id,
      nickname: account.nickname,
    };
  }

  /** GET /2.0/user (the caller) or /2.0/users/{id} (public profile, without username). */
  user(account: SandboxAccount, current: boolean) {
    const base = {
      display_name: account.display_name,
      links: {
        self: href(this.api(`/users/${enc(account.uuid)}`)),
        avatar: href(this.avatar("user", account.uuid)),
        repositories: href(this.api(`/repositories/${enc(account.uuid)}`)),
        snippets: href(this.api(`/snippets/${enc(account.uuid)}`)),
        html: href(this.web(`/${enc(account.uuid)}/`)),
        hooks: href(this.api(`/workspaces/${enc(account.uuid)}/hooks`)),
      },
      created_on: account.created_on,
      type: "user",
      uuid: account.uuid,
      has_2fa_enabled: null,
      account_id: account.account_id,
      nickname: account.nickname,
      is_staff: false,
      account_status: "active",
      location: null,
    };
    return current ? { ...base, username: account.nickname } : base;
  }

  email(account: SandboxAccount) {
    return {
      is_primary: true,
      is_confirmed: true,
      type: "email",
      email: account.email,
      links: { self: href(this.api(`/user/emails/${enc(account.email)}`)) },
    };
  }

  // --- workspaces -------------------------------------------------------------------------------

  private workspaceLinks(workspace: WorkspaceSeed) {
    return {
      avatar: href(this.avatar("workspace", workspace.uuid)),
      html: href(this.web(`/${workspace.slug}/`)),
      self: href(this.api(`/workspaces/${workspace.slug}`)),
    };
  }

  /** The short workspace object inside repositories and memberships. */
  workspaceRef(workspace: WorkspaceSeed) {
    return { type: "workspace", uuid: workspace.uuid, name: workspace.name, slug: workspace.slug, links: this.workspaceLinks(workspace) };
  }

  /** GET /2.0/workspaces/{workspace}. */
  workspace(workspace: WorkspaceSeed) {
    return {
      type: "workspace",
      uuid: workspace.uuid,
      name: workspace.name,
      slug: workspace.slug,
      is_private: false,
      is_privacy_enforced: false,
      links: {
        ...this.workspaceLinks(workspace),
        members: href(this.api(`/workspaces/${workspace.slug}/members`)),
        owners: href(this.api(`/workspaces/${workspace.slug}/members?q=permission%3D%22owner%22`)),
        hooks: href(this.api(`/workspaces/${workspace.slug}/hooks`)),
        repositories: href(this.api(`/repositories/${workspace.slug}`)),
        snippets: href(this.api(`/snippets/${workspace.slug}`)),
        projects: href(this.api(`/workspaces/${workspace.slug}/projects`)),
      },
      created_on: workspace.created_on,
    };
  }

  /** A value of GET /2.0/user/workspaces. */
  workspaceAccess(workspace: WorkspaceSeed, administrator: boolean) {
    return {
      type: "workspace_access",
      administrator,
      workspace: {
        type: "workspace_base",
        uuid: workspace.uuid,
        slug: workspace.slug,
        name: workspace.name,
        links: this.workspaceLinks(workspace),
      },
      links: { self: href(this.api(`/user/workspaces/${workspace.slug}/permission`)) },
    };
  }

  /** A value of GET /2.0/workspaces/{workspace}/members. */
  membership(workspace: WorkspaceSeed, account: SandboxAccount) {
    return {
      type: "workspace_membership",
      user: this.accountRef(account),
      workspace: this.workspaceRef(workspace),
      links: { self: href(this.api(`/workspaces/${workspace.slug}/members/${enc(account.uuid)}`)) },
    };
  }

  /** The owner of a repository: the user for a personal workspace, otherwise the team. */
  owner(workspace: WorkspaceSeed) {
    if (workspace.personalOf) {
      const account = this.state.accountByUuid(workspace.uuid);
      if (account) return this.accountRef(account);
    }
    return {
      display_name: workspace.name,
      links: this.ownerLinks("workspace", workspace.uuid),
      type: "team",
      uuid: workspace.uuid,
      username: workspace.slug,
    };
  }

  project(workspace: WorkspaceSeed, key: string) {
    const project = workspace.projects.find((candidate) => candidate.key === key) ?? workspace.projects[0]!;
    return {
      type: "project",
      key: project.key,
      uuid: project.uuid,
      name: project.name,
      links: {
        self: href(this.api(`/workspaces/${workspace.slug}/projects/${project.key}`)),
        html: href(this.web(`/${workspace.slug}/workspace/projects/${project.key}`)),
        avatar: href(this.avatar("project", project.uuid)),
      },
    };
  }

  /** GET /2.0/workspaces/{workspace}/projects/{key}. */
  projectFull(workspace: WorkspaceSeed, key: string) {
    const ref = this.project(workspace, key);
    const repositories = this.state.repositoriesOf(workspace).filter((repo) => repo.projectKey === ref.key);
    return {
      ...ref,
      owner: this.owner(workspace),
      workspace: this.workspaceRef(workspace),
      description: null,
      is_private: repositories.every((repo) => repo.is_private),
      created_on: workspace.created_on,
      updated_on: workspace.created_on,
      has_publicly_visible_repos: repositories.some((repo) => !repo.is_private),
    };
  }

  // --- repositories ---------------------------------------------------------------------------

  cloneUrl(repository: RepositoryRecord, username: string | null): string {
    const base = new URL(this.webUrl);
    const user = username ? `${enc(username)}@` : "";
    return `${base.protocol}//${user}${base.host}/${repository.workspace}/${repository.slug}.git`;
  }

  repositoryRef(repository: RepositoryRecord) {
    const path = `${repository.workspace}/${repository.slug}`;
    return {
      type: "repository",
      full_name: path,
      links: {
        self: href(this.api(`/repositories/${path}`)),
        html: href(this.web(`/${path}`)),
        avatar: href(this.avatar("repository", repository.uuid)),
      },
      name: repository.name,
      uuid: repository.uuid,
    };
  }

  /** GET /2.0/repositories/{workspace}/{slug}; `viewer` decides the user part of the https clone link. */
  repository(repository: RepositoryRecord, viewer: SandboxAccount | null) {
    const workspace = this.state.workspace(repository.workspace)!;
    const path = `${repository.workspace}/${repository.slug}`;
    const api = (suffix: string) => href(this.api(`/repositories/${path}${suffix}`));
    const sshHost = new URL(this.webUrl).hostname;
    const parent = repository.parent ? this.parentRef(repository.parent) : undefined;
    return {
      type: "repository",
      full_name: path,
      links: {
        self: api(""),
        html: href(this.web(`/${path}`)),
        avatar: href(this.avatar("repository", repository.uuid)),
        pullrequests: api("/pullrequests"),
        commits: api("/commits"),
        forks: api("/forks"),
        watchers: api("/watchers"),
        branches: api("/refs/branches"),
        tags: api("/refs/tags"),
        downloads: api("/downloads"),
        source: api("/src"),
        clone: [
          { name: "https", href: this.cloneUrl(repository, viewer?.nickname ?? null) },
          { name: "ssh", href: `git@${sshHost}:${path}.git` },
        ],
        hooks: api("/hooks"),
      },
      name: repository.name,
      slug: repository.slug,
      description: repository.description,
      scm: "git",
      website: repository.website,
      owner: this.owner(workspace),
      workspace: this.workspaceRef(workspace),
      is_private: repository.is_private,
      project: this.project(workspace, repository.projectKey),
      fork_policy: repository.fork_policy,
      created_on: repository.created_on,
      updated_on: repository.updated_on,
      size: repository.size,
      language: repository.language,
      uuid: repository.uuid,
      mainbranch: { name: repository.mainbranch, type: "branch" },
      override_settings: { default_merge_strategy: true, branching_model: true },
      ...(parent ? { parent } : {}),
      enforced_signed_commits: null,
      has_issues: repository.has_issues,
      has_wiki: repository.has_wiki,
    };
  }

  private parentRef(fullName: string) {
    const [workspace, slug] = fullName.split("/") as [string, string];
    const parent = this.state.repository(workspace, slug);
    return parent ? this.repositoryRef(parent) : undefined;
  }
}

/** Fields usable in q= and sort= on repository listings. */
export const REPOSITORY_FIELDS: FieldSchema = {
  name: "string",
  slug: "string",
  full_name: "string",
  description: "string",
  uuid: "string",
  language: "string",
  scm: "string",
  website: "string",
  fork_policy: "string",
  is_private: "boolean",
  has_issues: "boolean",
  has_wiki: "boolean",
  created_on: "datetime",
  updated_on: "datetime",
  size: "number",
  "mainbranch.name": "string",
  "project.key": "string",
  "project.name": "string",
  "project.uuid": "string",
  "owner.uuid": "string",
  "owner.display_name": "string",
  "owner.username": "string",
  "owner.nickname": "string",
  "workspace.slug": "string",
  "workspace.uuid": "string",
  "workspace.name": "string",
  parent: "object",
  "parent.full_name": "string",
  "parent.uuid": "string",
  "parent.name": "string",
};

/** Fields usable on /2.0/user/workspaces. */
export const WORKSPACE_ACCESS_FIELDS: FieldSchema = {
  administrator: "boolean",
  "workspace.slug": "string",
  "workspace.uuid": "string",
  "workspace.name": "string",
};

/** Fields usable on /2.0/workspaces/{workspace}/members. */
export const MEMBERSHIP_FIELDS: FieldSchema = {
  "user.uuid": "string",
  "user.account_id": "string",
  "user.nickname": "string",
  "user.display_name": "string",
};

export const PROJECT_FIELDS: FieldSchema = {
  key: "string",
  name: "string",
  uuid: "string",
  is_private: "boolean",
  created_on: "datetime",
  updated_on: "datetime",
};
