/**
 * The GitHub sandbox's records. They hold what GitHub stores (numeric ids, user ids instead of
 * embedded user objects); serialize.ts turns them into GitHub's JSON shapes for one base URL.
 * Bodies may contain WEB_PLACEHOLDER, replaced by the sandbox's web origin when served.
 */
import type { LfsObject } from "../common/git-content";
import type { HashedGitPlan } from "../common/git-objects";

/** Stands for the sandbox's web origin in stored bodies (attachment links, full URLs). */
export const WEB_PLACEHOLDER = "https://github.sandbox.invalid";

export type Permission = "read" | "triage" | "write" | "maintain" | "admin";
export const PERMISSION_RANK: Record<Permission, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export interface UserSeed {
  readonly id: number;
  readonly login: string;
  readonly name: string;
  readonly email: string | null;
  /** Personal access token (classic), accepted as `token X`, `Bearer X` and as the git password. */
  readonly token: string;
  readonly created_at: string;
  /** Logins this account had before (the id stays). */
  readonly previous_logins?: readonly string[];
}

export interface OrgSeed {
  readonly id: number;
  readonly login: string;
  readonly name: string;
  readonly description: string;
  readonly members: readonly { readonly login: string; readonly role: "admin" | "member" }[];
}

export interface RepoSeed {
  readonly id: number;
  /** Login of the owning user or organisation. */
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  readonly description: string | null;
  readonly homepage: string | null;
  readonly topics: readonly string[];
  readonly has_wiki: boolean;
  readonly has_issues: boolean;
  readonly created_at: string;
  readonly pushed_at: string;
  /** Direct collaborators (besides the owner and organisation members). */
  readonly collaborators: readonly { readonly login: string; readonly permission: Permission }[];
  /** Organisation members' permission on this repository (GitHub's base permission). */
  readonly orgBasePermission?: Permission;
  /** Which generator fills it: the showcase, the bench, or the small generic one. */
  readonly content: "showcase" | "bench" | "generic";
}

export interface LabelRecord {
  readonly id: number;
  readonly name: string;
  readonly color: string;
  readonly description: string | null;
  readonly default: boolean;
}

export interface MilestoneRecord {
  readonly id: number;
  readonly number: number;
  readonly title: string;
  readonly description: string | null;
  readonly state: "open" | "closed";
  readonly creator: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at: string | null;
  readonly due_on: string | null;
}

export interface ReleaseAssetRecord {
  readonly id: number;
  readonly name: string;
  readonly label: string | null;
  readonly content_type: string;
  readonly size: number;
  readonly download_count: number;
  readonly created_at: string;
  readonly uploader: number;
}

export interface ReleaseRecord {
  readonly id: number;
  readonly tag_name: string;
  readonly target_commitish: string;
  readonly name: string | null;
  readonly body: string | null;
  readonly draft: boolean;
  readonly prerelease: boolean;
  readonly author: number;
  readonly created_at: string;
  readonly published_at: string | null;
  readonly assets: readonly ReleaseAssetRecord[];
}

export type Reactions = Readonly<Partial<Record<"+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes", number>>>;

export interface BranchTip {
  readonly ref: string;
  readonly sha: string;
  /** `owner/name` of the repository the branch lives in; null when that fork was deleted. */
  readonly repo: string | null;
  /** The user or organisation owning that repository (kept in `label` even when it is gone). */
  readonly owner: string;
}

export interface PullDetail {
  readonly draft: boolean;
  readonly head: BranchTip;
  readonly base: BranchTip;
  readonly merged_at: string | null;
  readonly merged_by: number | null;
  readonly merge_commit_sha: string | null;
  readonly requested_reviewers: readonly number[];
  readonly commits: number;
  readonly additions: number;
  readonly deletions: number;
  readonly changed_files: number;
}

/** An issue or a pull request (GitHub numbers both in one sequence). */
export interface ItemRecord {
  readonly id: number;
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly user: number;
  readonly state: "open" | "closed";
  readonly state_reason: "completed" | "not_planned" | "reopened" | null;
  readonly locked: boolean;
  readonly labels: readonly string[];
  readonly milestone: number | null;
  readonly assignees: readonly number[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at: string | null;
  readonly closed_by: number | null;
  readonly reactions: Reactions;
  readonly pull: PullDetail | null;
}

export interface IssueCommentRecord {
  readonly id: number;
  readonly number: number;
  readonly user: number;
  readonly body: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly reactions: Reactions;
}

export interface ReviewRecord {
  readonly id: number;
  readonly number: number;
  readonly user: number;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  readonly body: string;
  readonly submitted_at: string;
  readonly commit_id: string;
}

export interface ReviewCommentRecord {
  readonly id: number;
  readonly number: number;
  readonly review_id: number;
  readonly user: number;
  readonly body: string;
  readonly path: string;
  readonly diff_hunk: string;
  readonly commit_id: string;
  readonly side: "LEFT" | "RIGHT";
  readonly line: number;
  readonly start_line: number | null;
  readonly start_side: "LEFT" | "RIGHT" | null;
  readonly in_reply_to_id: number | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly reactions: Reactions;
}

export type TimelineEventName =
  | "labeled"
  | "unlabeled"
  | "milestoned"
  | "demilestoned"
  | "closed"
  | "reopened"
  | "renamed"
  | "assigned"
  | "unassigned"
  | "review_requested"
  | "review_request_removed"
  | "cross-referenced"
  | "merged"
  | "referenced"
  | "head_ref_deleted";

/** A timeline event other than comments and reviews (those come from their own records). */
export interface EventRecord {
  /** GitHub gives cross-referenced events no id; the sandbox keeps one internally but does not serve it for them. */
  readonly id: number;
  readonly number: number;
  readonly event: TimelineEventName;
  readonly actor: number;
  readonly created_at: string;
  readonly label?: string;
  readonly milestone?: string;
  readonly rename?: { readonly from: string; readonly to: string };
  /** assigned/unassigned: the assignee; review_requested/removed: the reviewer. */
  readonly subject?: number;
  /** cross-referenced: the number of the issue or pull request in this repository that mentions this one. */
  readonly source?: number;
  readonly commit_id?: string;
}

export interface ProtectionRecord {
  readonly required_approving_review_count: number | null;
  readonly dismiss_stale_reviews: boolean;
  readonly require_code_owner_reviews: boolean;
  readonly required_status_checks: readonly string[];
  readonly enforce_admins: boolean;
  readonly allow_force_pushes: boolean;
  readonly allow_deletions: boolean;
  /** Who may push (logins); null when pushes are not restricted. */
  readonly push_users: readonly string[] | null;
}

/** A file linked from a body, served by the sandbox at its attachment path. */
export interface AttachmentRecord {
  /** Path on the web origin: `/user-attachments/assets/<uuid>` or `/user-images/<user id>/<file>`. */
  readonly path: string;
  readonly contentType: string;
  bytes(): Buffer;
}

export interface RepositoryContent {
  readonly git: HashedGitPlan;
  readonly wiki: HashedGitPlan | null;
  readonly lfs: ReadonlyMap<string, LfsObject>;
  readonly labels: readonly LabelRecord[];
  readonly milestones: readonly MilestoneRecord[];
  readonly releases: readonly ReleaseRecord[];
  /** Issues and pull requests by ascending number. */
  readonly items: readonly ItemRecord[];
  /** Ascending id, which is also ascending creation time. */
  readonly issueComments: readonly IssueCommentRecord[];
  readonly reviews: readonly ReviewRecord[];
  readonly reviewComments: readonly ReviewCommentRecord[];
  readonly events: readonly EventRecord[];
  readonly protections: Readonly<Record<string, ProtectionRecord>>;
  readonly attachments: readonly AttachmentRecord[];
  /** Comments deleted after the repository was first served (changes.ts): which item, when; `review` for review comments. */
  readonly deletedComments?: readonly { readonly id: number; readonly number: number; readonly at: string; readonly review?: boolean }[];
  /** Direct collaborators as changed after the repository was first served (changes.ts); absent: the seed's. */
  readonly collaborators?: RepoSeed["collaborators"];
}

export interface GistFileSeed {
  readonly filename: string;
  readonly content: string;
}

export interface GistSeed {
  readonly id: string;
  readonly owner: string;
  readonly description: string | null;
  readonly public: boolean;
  readonly created_at: string;
  /** Revisions, oldest first; the last one is the gist's current content. */
  readonly revisions: readonly { readonly at: string; readonly files: readonly GistFileSeed[] }[];
}
