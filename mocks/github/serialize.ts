/**
 * Records -> GitHub's JSON shapes for one pair of base URLs: `api` (https://api.github.com, or
 * `<origin>/api/v3` for GitHub Enterprise Server) and `web` (https://github.com, or the origin).
 */
import { GITHUB_ACCOUNT_LIST } from "./seed";
import {
  WEB_PLACEHOLDER,
  type EventRecord,
  type GistSeed,
  type IssueCommentRecord,
  type ItemRecord,
  type LabelRecord,
  type MilestoneRecord,
  type OrgSeed,
  type Permission,
  type ProtectionRecord,
  type Reactions,
  type ReleaseRecord,
  type RepoSeed,
  type RepositoryContent,
  type ReviewCommentRecord,
  type ReviewRecord,
} from "./model";
import type { GithubAccount, GithubState } from "./state";

type Json = Record<string, unknown>;

const nodeId = (kind: string, id: number | string) => Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");

const commentCounts = new WeakMap<RepositoryContent, { issue: Map<number, number>; review: Map<number, number> }>();

/** Conversation and review comment counts per item number, computed once per content. */
function countsOf(content: RepositoryContent): { issue: Map<number, number>; review: Map<number, number> } {
  let counts = commentCounts.get(content);
  if (!counts) {
    counts = { issue: new Map(), review: new Map() };
    for (const comment of content.issueComments) counts.issue.set(comment.number, (counts.issue.get(comment.number) ?? 0) + 1);
    for (const comment of content.reviewComments) counts.review.set(comment.number, (counts.review.get(comment.number) ?? 0) + 1);
    commentCounts.set(content, counts);
  }
  return counts;
}

export function permissionsOf(permission: Permission | null): Record<"admin" | "maintain" | "push" | "triage" | "pull", boolean> {
  const rank = permission ? ({ read: 1, triage: 2, write: 3, maintain: 4, admin: 5 } as const)[permission] : 0;
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}

export class Serializer {
  constructor(
    readonly state: GithubState,
    /** API base without a trailing slash. */
    readonly api: string,
    /** Web base (html_url, clone URLs, attachments). */
    readonly web: string,
  ) {}

  text(body: string | null): string | null {
    return body === null ? null : body.split(WEB_PLACEHOLDER).join(this.web);
  }

  user(id: number | null): Json | null {
    if (id === null) return null;
    const account = this.state.account(id) ?? this.state.account(10137)!;
    const login = account.login;
    const url = `${this.api}/users/${login}`;
    return {
      login,
      id: account.id,
      node_id: nodeId("User", account.id),
      avatar_url: `${this.web}/_sandbox/avatars/${account.id}.svg`,
      gravatar_id: "",
      url,
      html_url: `${this.web}/${login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: "User",
      user_view_type: "public",
      site_admin: false,
    };
  }

  fullUser(account: GithubAccount): Json {
    const repos = this.state.repositories.filter((repo) => repo.owner === GITHUB_ACCOUNT_LIST.find((seed) => seed.id === account.id)?.login);
    return {
      ...this.user(account.id),
      name: account.name,
      company: null,
      blog: "",
      location: null,
      email: account.email,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: repos.filter((repo) => !repo.private).length,
      public_gists: this.state.gists.filter((gist) => gist.owner === account.login && gist.public).length,
      followers: 0,
      following: 0,
      created_at: account.created_at,
      updated_at: account.created_at,
    };
  }

  org(org: OrgSeed): Json {
    const url = `${this.api}/orgs/${org.login}`;
    return {
      login: org.login,
      id: org.id,
      node_id: nodeId("Organization", org.id),
      url,
      repos_url: `${url}/repos`,
      events_url: `${url}/events`,
      hooks_url: `${url}/hooks`,
      issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`,
      public_members_url: `${url}/public_members{/member}`,
      avatar_url: `${this.web}/_sandbox/avatars/${org.id}.svg`,
      description: org.description,
    };
  }

  owner(repo: RepoSeed): Json {
    const org = this.state.org(repo.owner);
    if (org) return { ...this.org(org), html_url: `${this.web}/${org.login}`, type: "Organization", site_admin: false };
    const seed = GITHUB_ACCOUNT_LIST.find((account) => account.login === repo.owner)!;
    return this.user(seed.id)!;
  }

  repoUrl(repo: RepoSeed): string {
    return `${this.api}/repos/${this.state.fullName(repo)}`;
  }

  repo(repo: RepoSeed, viewer: GithubAccount | null): Json {
    const fullName = this.state.fullName(repo);
    const url = this.repoUrl(repo);
    const content = this.state.content(repo);
    const openIssues = content.items.filter((item) => item.state === "open").length;
    const body: Json = {
      id: repo.id,
      node_id: nodeId("Repository", repo.id),
      name: repo.name,
      full_name: fullName,
      private: repo.private,
      owner: this.owner(repo),
      html_url: `${this.web}/${fullName}`,
      description: repo.description,
      fork: false,
      url,
      issues_url: `${url}/issues{/number}`,
      pulls_url: `${url}/pulls{/number}`,
      labels_url: `${url}/labels{/name}`,
      milestones_url: `${url}/milestones{/number}`,
      releases_url: `${url}/releases{/id}`,
      collaborators_url: `${url}/collaborators{/collaborator}`,
      branches_url: `${url}/branches{/branch}`,
      git_url: `git://${new URL(this.web).host}/${fullName}.git`,
      ssh_url: `git@${new URL(this.web).hostname}:${fullName}.git`,
      clone_url: `${this.web}/${fullName}.git`,
      svn_url: `${this.web}/${fullName}`,
      homepage: repo.homepage,
      size: content.git.commits.length * 4,
      stargazers_count: repo.id % 17,
      watchers_count: repo.id % 17,
      language: "TypeScript",
      has_issues: repo.has_issues,
      has_projects: false,
      has_downloads: true,
      has_wiki: repo.has_wiki,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: openIssues,
      license: null,
      allow_forking: true,
      is_template: false,
      topics: repo.topics,
      visibility: repo.private ? "private" : "public",
      forks: 0,
      open_issues: openIssues,
      watchers: repo.id % 17,
      default_branch: content.git.head,
      created_at: repo.created_at,
      updated_at: repo.pushed_at,
      pushed_at: repo.pushed_at,
    };
    if (viewer) body.permissions = permissionsOf(this.state.permission(viewer, repo) ?? (repo.private ? null : "read"));
    return body;
  }

  reactions(url: string, reactions: Reactions): Json {
    const counts = { "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0, ...reactions };
    return { url: `${url}/reactions`, total_count: Object.values(counts).reduce((sum, n) => sum + n, 0), ...counts };
  }

  label(repo: RepoSeed, label: LabelRecord): Json {
    return { id: label.id, node_id: nodeId("Label", label.id), url: `${this.repoUrl(repo)}/labels/${encodeURIComponent(label.name)}`, name: label.name, color: label.color, default: label.default, description: label.description };
  }

  milestone(repo: RepoSeed, content: RepositoryContent, milestone: MilestoneRecord): Json {
    const items = content.items.filter((item) => item.milestone === milestone.number);
    const url = `${this.repoUrl(repo)}/milestones/${milestone.number}`;
    return {
      url,
      html_url: `${this.web}/${this.state.fullName(repo)}/milestone/${milestone.number}`,
      labels_url: `${url}/labels`,
      id: milestone.id,
      node_id: nodeId("Milestone", milestone.id),
      number: milestone.number,
      title: milestone.title,
      description: milestone.description,
      creator: this.user(milestone.creator),
      open_issues: items.filter((item) => item.state === "open").length,
      closed_issues: items.filter((item) => item.state === "closed").length,
      state: milestone.state,
      created_at: milestone.created_at,
      updated_at: milestone.updated_at,
      due_on: milestone.due_on,
      closed_at: milestone.closed_at,
    };
  }

  release(repo: RepoSeed, release: ReleaseRecord): Json {
    const url = `${this.repoUrl(repo)}/releases/${release.id}`;
    const html = `${this.web}/${this.state.fullName(repo)}`;
    return {
      url,
      assets_url: `${url}/assets`,
      upload_url: `${url}/assets{?name,label}`,
      html_url: `${html}/releases/tag/${release.tag_name}`,
      id: release.id,
      author: this.user(release.author),
      node_id: nodeId("Release", release.id),
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      draft: release.draft,
      prerelease: release.prerelease,
      created_at: release.created_at,
      published_at: release.published_at,
      assets: release.assets.map((asset) => ({
        url: `${this.repoUrl(repo)}/releases/assets/${asset.id}`,
        id: asset.id,
        node_id: nodeId("ReleaseAsset", asset.id),
        name: asset.name,
        label: asset.label,
        uploader: this.user(asset.uploader),
        content_type: asset.content_type,
        state: "uploaded",
        size: asset.size,
        download_count: asset.download_count,
        created_at: asset.created_at,
        updated_at: asset.created_at,
        browser_download_url: `${html}/releases/download/${release.tag_name}/${asset.name}`,
      })),
      tarball_url: `${this.repoUrl(repo)}/tarball/${release.tag_name}`,
      zipball_url: `${this.repoUrl(repo)}/zipball/${release.tag_name}`,
      body: this.text(release.body),
    };
  }

  association(repo: RepoSeed, userId: number): string {
    const account = this.state.account(userId) ?? null;
    const seed = GITHUB_ACCOUNT_LIST.find((candidate) => candidate.id === userId);
    if (!account || !seed) return "NONE";
    if (seed.login === repo.owner) return "OWNER";
    const org = this.state.org(repo.owner);
    if (org && this.state.orgRole(org, account)) return "MEMBER";
    return repo.collaborators.some((collaborator) => collaborator.login === seed.login) ? "COLLABORATOR" : "NONE";
  }

  issue(repo: RepoSeed, content: RepositoryContent, item: ItemRecord, single = false): Json {
    const url = `${this.repoUrl(repo)}/issues/${item.number}`;
    const html = `${this.web}/${this.state.fullName(repo)}`;
    const labels = item.labels.map((name) => content.labels.find((label) => label.name === name)).filter((label): label is LabelRecord => label !== undefined);
    const milestone = item.milestone === null ? null : content.milestones.find((candidate) => candidate.number === item.milestone);
    const body: Json = {
      url,
      repository_url: this.repoUrl(repo),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${html}/${item.pull ? "pull" : "issues"}/${item.number}`,
      id: item.id,
      node_id: nodeId(item.pull ? "PullRequest" : "Issue", item.id),
      number: item.number,
      title: item.title,
      user: this.user(item.user),
      labels: labels.map((label) => this.label(repo, label)),
      state: item.state,
      locked: item.locked,
      assignee: this.user(item.assignees[0] ?? null),
      assignees: item.assignees.map((id) => this.user(id)),
      milestone: milestone ? this.milestone(repo, content, milestone) : null,
      comments: countsOf(content).issue.get(item.number) ?? 0,
      created_at: item.created_at,
      updated_at: item.updated_at,
      closed_at: item.closed_at,
      author_association: this.association(repo, item.user),
      active_lock_reason: item.locked ? "resolved" : null,
      body: this.text(item.body),
      reactions: this.reactions(url, item.reactions),
      timeline_url: `${url}/timeline`,
      state_reason: item.state_reason,
    };
    if (item.pull) {
      const pullUrl = `${this.repoUrl(repo)}/pulls/${item.number}`;
      body.draft = item.pull.draft;
      body.pull_request = { url: pullUrl, html_url: `${html}/pull/${item.number}`, diff_url: `${html}/pull/${item.number}.diff`, patch_url: `${html}/pull/${item.number}.patch`, merged_at: item.pull.merged_at };
    }
    if (single) body.closed_by = this.user(item.closed_by);
    return body;
  }

  private branchTip(repo: RepoSeed, tip: NonNullable<ItemRecord["pull"]>["head"]): Json {
    const tipRepo = tip.repo ? this.state.repository(tip.repo.split("/")[0]!, tip.repo.split("/")[1]!) : undefined;
    const owner = this.state.org(tip.owner) ? { ...this.owner(repo) } : this.user(this.state.accountByLogin(tip.owner)?.id ?? 10137);
    return { label: `${tip.owner}:${tip.ref}`, ref: tip.ref, sha: tip.sha, user: owner, repo: tipRepo ? this.repo(tipRepo, null) : null };
  }

  pull(repo: RepoSeed, content: RepositoryContent, item: ItemRecord, single = false): Json {
    const pull = item.pull!;
    const issue = this.issue(repo, content, item);
    const url = `${this.repoUrl(repo)}/pulls/${item.number}`;
    const html = `${this.web}/${this.state.fullName(repo)}/pull/${item.number}`;
    const body: Json = {
      url,
      id: item.id,
      node_id: issue.node_id,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue.url,
      number: item.number,
      state: item.state,
      locked: item.locked,
      title: item.title,
      user: issue.user,
      body: issue.body,
      created_at: item.created_at,
      updated_at: item.updated_at,
      closed_at: item.closed_at,
      merged_at: pull.merged_at,
      merge_commit_sha: pull.merge_commit_sha,
      assignee: issue.assignee,
      assignees: issue.assignees,
      requested_reviewers: pull.requested_reviewers.map((id) => this.user(id)),
      requested_teams: [],
      labels: issue.labels,
      milestone: issue.milestone,
      draft: pull.draft,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${this.repoUrl(repo)}/pulls/comments{/number}`,
      comments_url: issue.comments_url,
      statuses_url: `${this.repoUrl(repo)}/statuses/${pull.head.sha}`,
      head: this.branchTip(repo, pull.head),
      base: this.branchTip(repo, pull.base),
      author_association: issue.author_association,
      auto_merge: null,
      active_lock_reason: issue.active_lock_reason,
    };
    if (single) {
      Object.assign(body, {
        merged: pull.merged_at !== null,
        mergeable: item.state === "open" ? true : null,
        mergeable_state: item.state === "open" ? "clean" : "unknown",
        merged_by: this.user(pull.merged_by),
        comments: issue.comments,
        review_comments: countsOf(content).review.get(item.number) ?? 0,
        maintainer_can_modify: false,
        commits: pull.commits,
        additions: pull.additions,
        deletions: pull.deletions,
        changed_files: pull.changed_files,
      });
    }
    return body;
  }

  issueComment(repo: RepoSeed, comment: IssueCommentRecord, item: ItemRecord | undefined): Json {
    const url = `${this.repoUrl(repo)}/issues/comments/${comment.id}`;
    return {
      url,
      html_url: `${this.web}/${this.state.fullName(repo)}/${item?.pull ? "pull" : "issues"}/${comment.number}#issuecomment-${comment.id}`,
      issue_url: `${this.repoUrl(repo)}/issues/${comment.number}`,
      id: comment.id,
      node_id: nodeId("IssueComment", comment.id),
      user: this.user(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: this.association(repo, comment.user),
      body: this.text(comment.body),
      reactions: this.reactions(url, comment.reactions),
    };
  }

  review(repo: RepoSeed, review: ReviewRecord): Json {
    const html = `${this.web}/${this.state.fullName(repo)}/pull/${review.number}`;
    return {
      id: review.id,
      node_id: nodeId("PullRequestReview", review.id),
      user: this.user(review.user),
      body: this.text(review.body),
      state: review.state,
      html_url: `${html}#pullrequestreview-${review.id}`,
      pull_request_url: `${this.repoUrl(repo)}/pulls/${review.number}`,
      author_association: this.association(repo, review.user),
      submitted_at: review.submitted_at,
      commit_id: review.commit_id,
    };
  }

  reviewComment(repo: RepoSeed, comment: ReviewCommentRecord): Json {
    const url = `${this.repoUrl(repo)}/pulls/comments/${comment.id}`;
    const body: Json = {
      url,
      pull_request_review_id: comment.review_id,
      id: comment.id,
      node_id: nodeId("PullRequestReviewComment", comment.id),
      diff_hunk: comment.diff_hunk,
      path: comment.path,
      position: comment.line,
      original_position: comment.line,
      commit_id: comment.commit_id,
      original_commit_id: comment.commit_id,
      user: this.user(comment.user),
      body: this.text(comment.body),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      html_url: `${this.web}/${this.state.fullName(repo)}/pull/${comment.number}#discussion_r${comment.id}`,
      pull_request_url: `${this.repoUrl(repo)}/pulls/${comment.number}`,
      author_association: this.association(repo, comment.user),
      reactions: this.reactions(url, comment.reactions),
      start_line: comment.start_line,
      original_start_line: comment.start_line,
      start_side: comment.start_side,
      line: comment.line,
      original_line: comment.line,
      side: comment.side,
      subject_type: "line",
    };
    if (comment.in_reply_to_id !== null) body.in_reply_to_id = comment.in_reply_to_id;
    return body;
  }

  /** A timeline or issue event (not comments and reviews). `withIssue` adds the issue, as /issues/events does. */
  event(repo: RepoSeed, content: RepositoryContent, event: EventRecord, withIssue = false): Json {
    const body: Json = { actor: this.user(event.actor), event: event.event, created_at: event.created_at };
    if (event.event !== "cross-referenced") {
      Object.assign(body, {
        id: event.id,
        node_id: nodeId("Event", event.id),
        url: `${this.repoUrl(repo)}/issues/events/${event.id}`,
        commit_id: event.commit_id ?? null,
        commit_url: event.commit_id ? `${this.repoUrl(repo)}/commits/${event.commit_id}` : null,
        performed_via_github_app: null,
      });
    }
    if (event.label !== undefined) body.label = { name: event.label, color: content.labels.find((label) => label.name === event.label)?.color ?? "ededed" };
    if (event.milestone !== undefined) body.milestone = { title: event.milestone };
    if (event.rename) body.rename = event.rename;
    if (event.subject !== undefined) {
      if (event.event === "assigned" || event.event === "unassigned") {
        body.assignee = this.user(event.subject);
        body.assigner = this.user(event.actor);
      } else {
        body.requested_reviewer = this.user(event.subject);
        body.review_requester = this.user(event.actor);
      }
    }
    if (event.event === "cross-referenced" && event.source !== undefined) {
      const source = content.items.find((item) => item.number === event.source);
      body.updated_at = event.created_at;
      body.source = { type: "issue", issue: source ? { ...this.issue(repo, content, source), repository: this.repo(repo, null) } : null };
    }
    if (withIssue) {
      const item = content.items.find((candidate) => candidate.number === event.number);
      if (item) body.issue = this.issue(repo, content, item);
    }
    return body;
  }

  branch(repo: RepoSeed, name: string, sha: string, protection: ProtectionRecord | undefined): Json {
    return {
      name,
      commit: { sha, url: `${this.repoUrl(repo)}/commits/${sha}` },
      protected: protection !== undefined,
      protection: protection ? { enabled: true, required_status_checks: { enforcement_level: protection.required_status_checks.length > 0 ? "non_admins" : "off", contexts: protection.required_status_checks, checks: [] } } : { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
      protection_url: `${this.repoUrl(repo)}/branches/${encodeURIComponent(name)}/protection`,
    };
  }

  protection(repo: RepoSeed, name: string, protection: ProtectionRecord): Json {
    const url = `${this.repoUrl(repo)}/branches/${encodeURIComponent(name)}/protection`;
    const body: Json = {
      url,
      required_status_checks:
        protection.required_status_checks.length > 0
          ? { url: `${url}/required_status_checks`, strict: true, contexts: protection.required_status_checks, checks: protection.required_status_checks.map((context) => ({ context, app_id: null })) }
          : undefined,
      enforce_admins: { url: `${url}/enforce_admins`, enabled: protection.enforce_admins },
      required_linear_history: { enabled: false },
      allow_force_pushes: { enabled: protection.allow_force_pushes },
      allow_deletions: { enabled: protection.allow_deletions },
      required_conversation_resolution: { enabled: false },
      lock_branch: { enabled: false },
      allow_fork_syncing: { enabled: false },
    };
    if (protection.required_approving_review_count !== null) {
      body.required_pull_request_reviews = {
        url: `${url}/required_pull_request_reviews`,
        dismiss_stale_reviews: protection.dismiss_stale_reviews,
        require_code_owner_reviews: protection.require_code_owner_reviews,
        required_approving_review_count: protection.required_approving_review_count,
        require_last_push_approval: false,
      };
    }
    if (protection.push_users) {
      body.restrictions = {
        url: `${url}/restrictions`,
        users: protection.push_users.map((login) => this.user(this.state.accountByLogin(login)?.id ?? null)),
        teams: [],
        apps: [],
      };
    }
    return JSON.parse(JSON.stringify(body)) as Json;
  }

  collaborator(repo: RepoSeed, account: GithubAccount, permission: Permission): Json {
    return { ...this.user(account.id), permissions: permissionsOf(permission), role_name: permission };
  }

  gist(gist: GistSeed, withContent: boolean): Json {
    const url = `${this.api}/gists/${gist.id}`;
    const current = gist.revisions[gist.revisions.length - 1]!;
    const owner = this.state.accountByLogin(gist.owner) ?? this.state.accounts.find((account) => GITHUB_ACCOUNT_LIST.find((seed) => seed.id === account.id)?.login === gist.owner);
    const files = Object.fromEntries(
      current.files.map((file) => [
        file.filename,
        {
          filename: file.filename,
          type: file.filename.endsWith(".md") ? "text/markdown" : "text/plain",
          language: file.filename.endsWith(".md") ? "Markdown" : file.filename.endsWith(".py") ? "Python" : file.filename.endsWith(".sh") ? "Shell" : "Text",
          raw_url: `${this.web}/_sandbox/gists/${gist.id}/raw/${encodeURIComponent(file.filename)}`,
          size: Buffer.byteLength(file.content),
          ...(withContent ? { truncated: false, content: file.content } : {}),
        },
      ]),
    );
    return {
      url,
      forks_url: `${url}/forks`,
      commits_url: `${url}/commits`,
      id: gist.id,
      node_id: nodeId("Gist", gist.id),
      git_pull_url: `${this.web}/${gist.id}.git`,
      git_push_url: `${this.web}/${gist.id}.git`,
      html_url: `${this.web}/${gist.owner}/${gist.id}`,
      files,
      public: gist.public,
      created_at: gist.created_at,
      updated_at: current.at,
      description: gist.description,
      comments: 0,
      user: null,
      comments_url: `${url}/comments`,
      owner: owner ? this.user(owner.id) : null,
      truncated: false,
    };
  }
}
