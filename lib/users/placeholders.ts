import type { SessionUser } from "@/lib/auth";
import { db, type Namespace } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import type { ReassignmentStatus } from "@/lib/generated/prisma/enums";
import { canManagePlaceholders, placeholderManagedNamespacesWhere } from "@/lib/projects/access";
import { isLinkedProvider, PROVIDER_LABELS, type LinkedProvider } from "@/lib/auth/identity-providers";
import { csvLine } from "./csv";

/**
 * Placeholder users of a top-level namespace, as its Owners see them: who they stand for,
 * what was attributed to them, and where their reassignment stands.
 */

export const REASSIGNMENT_STATUS_LABELS: Record<ReassignmentStatus, string> = {
  pending: "Not reassigned",
  awaiting_approval: "Awaiting approval",
  reassigned: "Reassigned",
  rejected: "Rejected",
  kept_as_placeholder: "Kept as placeholder",
};

/** The sources a placeholder can stand for a user of: those people link by signing in, and Bitbucket Server (linked by an administrator). */
export type PlaceholderProvider = LinkedProvider | "bitbucket_server";
export const PLACEHOLDER_PROVIDER_LABELS: Record<PlaceholderProvider, string> = { ...PROVIDER_LABELS, bitbucket_server: "Bitbucket Server" };

function isPlaceholderProvider(value: string | null): value is PlaceholderProvider {
  return value === "bitbucket_server" || isLinkedProvider(value);
}

/**
 * Who a placeholder stands for: `uuid` is the Bitbucket account's uuid, or the GitHub or Bitbucket
 * Server user id; `username` the nickname or login; `email` the address a self-hosted source reported.
 */
export type PlaceholderSource = { provider: PlaceholderProvider; uuid: string | null; accountId: string | null; username: string | null; displayName: string | null; email: string | null };

export function placeholderSourceOf(value: unknown): PlaceholderSource {
  const source = (value ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof source[key] === "string" && source[key] ? (source[key] as string) : null);
  const provider = text("provider");
  return { provider: isPlaceholderProvider(provider) ? provider : "bitbucket", uuid: text("uuid"), accountId: text("accountId"), username: text("username"), displayName: text("displayName"), email: text("email") };
}

/** "Carol Chen (@carol)", or what is known of the source user. */
export function sourceName(source: PlaceholderSource): string {
  if (source.displayName && source.username) return `${source.displayName} (@${source.username})`;
  return source.displayName ?? (source.username ? `@${source.username}` : (source.uuid ?? source.accountId ?? `Unknown ${PLACEHOLDER_PROVIDER_LABELS[source.provider]} user`));
}

/** "GitHub user @carol": the source and its user, for sentences. */
export function sourceUserPhrase(source: PlaceholderSource): string {
  return `${PLACEHOLDER_PROVIDER_LABELS[source.provider]} user ${sourceName(source)}`;
}

export type ContributionCounts = {
  issues: number;
  mergeRequests: number;
  notes: number;
  approvals: number;
  reviews: number;
  assignments: number;
  total: number;
};

/** What is attributed to each user (imported issues, merge requests, notes, approvals, reviews, assignments). */
export async function contributionCounts(userIds: readonly string[]): Promise<Map<string, ContributionCounts>> {
  const ids = [...userIds];
  const result = new Map<string, ContributionCounts>(
    ids.map((id) => [id, { issues: 0, mergeRequests: 0, notes: 0, approvals: 0, reviews: 0, assignments: 0, total: 0 }]),
  );
  if (ids.length === 0) return result;
  const [issues, mergeRequests, notes, approvals, reviews, issueAssignments, mergeRequestAssignments] = await Promise.all([
    db.issue.groupBy({ by: ["authorId"], where: { authorId: { in: ids } }, _count: { _all: true } }),
    db.mergeRequest.groupBy({ by: ["authorId"], where: { authorId: { in: ids } }, _count: { _all: true } }),
    db.note.groupBy({ by: ["authorId"], where: { authorId: { in: ids } }, _count: { _all: true } }),
    db.approval.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _count: { _all: true } }),
    db.mergeRequestReviewer.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _count: { _all: true } }),
    db.issue.groupBy({ by: ["assigneeId"], where: { assigneeId: { in: ids } }, _count: { _all: true } }),
    db.mergeRequest.groupBy({ by: ["assigneeId"], where: { assigneeId: { in: ids } }, _count: { _all: true } }),
  ]);
  const add = (id: string | null, field: keyof Omit<ContributionCounts, "total">, count: number) => {
    const entry = id ? result.get(id) : undefined;
    if (!entry) return;
    entry[field] += count;
    entry.total += count;
  };
  for (const row of issues) add(row.authorId, "issues", row._count._all);
  for (const row of mergeRequests) add(row.authorId, "mergeRequests", row._count._all);
  for (const row of notes) add(row.authorId, "notes", row._count._all);
  for (const row of approvals) add(row.userId, "approvals", row._count._all);
  for (const row of reviews) add(row.userId, "reviews", row._count._all);
  for (const row of issueAssignments) add(row.assigneeId, "assignments", row._count._all);
  for (const row of mergeRequestAssignments) add(row.assigneeId, "assignments", row._count._all);
  return result;
}

/** A namespace by full path (any case), or null. */
export async function findNamespaceByPath(fullPath: string): Promise<Namespace | null> {
  return db.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) } });
}

/** The namespace, when the user manages its placeholders; otherwise a 404 that reveals nothing. */
export async function requirePlaceholderManager(user: SessionUser, namespaceId: number): Promise<Namespace> {
  const namespace = await db.namespace.findUnique({ where: { id: namespaceId } });
  if (!namespace || !(await canManagePlaceholders(user, namespace))) {
    throw new AppError("not_found", "Group not found, or you are not one of its Owners.");
  }
  return namespace;
}

export type PlaceholderEntry = {
  id: string;
  username: string;
  name: string | null;
  source: PlaceholderSource;
  status: ReassignmentStatus;
  target: { id: string; username: string; name: string | null } | null;
  requestedBy: { username: string; name: string | null } | null;
  requestedAt: Date | null;
  decidedAt: Date | null;
  contributions: ContributionCounts;
};

const PAGE_SIZE = 100;

export async function listPlaceholders(namespaceId: number, page = 1): Promise<{ entries: PlaceholderEntry[]; total: number; page: number; pageSize: number }> {
  const where = { kind: "placeholder" as const, placeholderNamespaceId: namespaceId };
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: [{ name: "asc" }, { username: "asc" }],
      skip: (Math.max(1, page) - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        username: true,
        name: true,
        placeholderSource: true,
        placeholderReassignment: {
          select: {
            status: true,
            requestedAt: true,
            decidedAt: true,
            targetUser: { select: { id: true, username: true, name: true } },
            requestedBy: { select: { username: true, name: true } },
          },
        },
      },
    }),
  ]);
  const counts = await contributionCounts(users.map((user) => user.id));
  const entries = users.map((user) => ({
    id: user.id,
    username: user.username,
    name: user.name,
    source: placeholderSourceOf(user.placeholderSource),
    status: user.placeholderReassignment?.status ?? "pending",
    target: user.placeholderReassignment?.targetUser ?? null,
    requestedBy: user.placeholderReassignment?.requestedBy ?? null,
    requestedAt: user.placeholderReassignment?.requestedAt ?? null,
    decidedAt: user.placeholderReassignment?.decidedAt ?? null,
    contributions: counts.get(user.id)!,
  }));
  return { entries, total, page: Math.max(1, page), pageSize: PAGE_SIZE };
}

export type ReassignmentSuggestion = {
  placeholderId: string;
  placeholderUsername: string;
  source: PlaceholderSource;
  /** `sourceLogin`: the nickname or login the user linked the account under. */
  user: { id: string; username: string; name: string | null; sourceLogin: string | null };
  /** "linked": the user linked the source account; "email": their e-mail is the one the source reports (a hint only). */
  reason: "linked" | "email";
};

/**
 * Placeholders whose source account has since been linked by a Ferry user, or whose source user's
 * e-mail is a Ferry user's: the Owners are offered to reassign them to that user (who still has to
 * accept). Someone who already rejected that placeholder is not suggested again.
 */
export async function reassignmentSuggestions(namespaceId: number): Promise<ReassignmentSuggestion[]> {
  const placeholders = await db.user.findMany({
    where: {
      kind: "placeholder",
      placeholderNamespaceId: namespaceId,
      placeholderReassignment: { status: { in: ["pending", "kept_as_placeholder", "rejected"] } },
    },
    select: { id: true, username: true, placeholderSource: true, placeholderReassignment: { select: { status: true, targetUserId: true } } },
  });
  if (placeholders.length === 0) return [];
  const sources = placeholders.map((placeholder) => ({ placeholder, source: placeholderSourceOf(placeholder.placeholderSource) }));
  const ofProvider = (provider: PlaceholderProvider) => sources.filter(({ source }) => source.provider === provider);
  const uuids = (provider: PlaceholderProvider) => ofProvider(provider).flatMap(({ source }) => (source.uuid ? [source.uuid] : []));
  const accountIds = ofProvider("bitbucket").flatMap(({ source }) => (source.accountId ? [source.accountId] : []));
  const emails = sources.flatMap(({ source }) => (source.email ? [source.email.toLowerCase()] : []));
  const [accounts, usersByEmail] = await Promise.all([
    db.account.findMany({
      where: {
        user: { kind: "human" },
        OR: [
          { provider: "bitbucket", OR: [{ providerAccountId: { in: uuids("bitbucket") } }, { externalAccountId: { in: accountIds } }] },
          { provider: "github", providerAccountId: { in: uuids("github") } },
          { provider: "bitbucket_server", providerAccountId: { in: uuids("bitbucket_server") } },
        ],
      },
      select: { provider: true, providerAccountId: true, externalAccountId: true, nickname: true, user: { select: { id: true, username: true, name: true } } },
    }),
    emails.length > 0
      ? db.user.findMany({ where: { kind: "human", OR: emails.map((email) => ({ email: { equals: email, mode: "insensitive" as const } })) }, select: { id: true, username: true, name: true, email: true } })
      : Promise.resolve([]),
  ]);
  const suggestions: ReassignmentSuggestion[] = [];
  for (const { placeholder, source } of sources) {
    const candidates = accounts.filter((candidate) => candidate.provider === source.provider);
    const account =
      candidates.find((candidate) => source.uuid && candidate.providerAccountId.toLowerCase() === source.uuid.toLowerCase()) ??
      candidates.find((candidate) => source.accountId && candidate.externalAccountId === source.accountId);
    const byEmail = account ? undefined : usersByEmail.find((candidate) => source.email && candidate.email?.toLowerCase() === source.email.toLowerCase());
    const user = account ? { ...account.user, sourceLogin: account.nickname } : byEmail ? { id: byEmail.id, username: byEmail.username, name: byEmail.name, sourceLogin: null } : null;
    if (!user) continue;
    const reassignment = placeholder.placeholderReassignment;
    if (reassignment?.status === "rejected" && reassignment.targetUserId === user.id) continue;
    suggestions.push({ placeholderId: placeholder.id, placeholderUsername: placeholder.username, source, user, reason: account ? "linked" : "email" });
  }
  return suggestions;
}

export const CSV_COLUMNS = [
  "placeholder_username",
  "source_uuid",
  "source_account_id",
  "source_username",
  "source_display_name",
  "contributions",
  "status",
  "ferry_username",
] as const;

/** Every placeholder of the namespace as CSV; fill in ferry_username and upload it to reassign in bulk. */
export async function placeholdersCsv(namespaceId: number): Promise<string> {
  const lines = [csvLine(CSV_COLUMNS)];
  for (let page = 1; ; page++) {
    const { entries, total, pageSize } = await listPlaceholders(namespaceId, page);
    for (const entry of entries) {
      lines.push(
        csvLine([
          entry.username,
          entry.source.uuid,
          entry.source.accountId,
          entry.source.username,
          entry.source.displayName,
          entry.contributions.total,
          entry.status,
          entry.status === "awaiting_approval" || entry.status === "reassigned" ? entry.target?.username : "",
        ]),
      );
    }
    if (page * pageSize >= total) break;
  }
  return `${lines.join("\r\n")}\r\n`;
}


export type ManagedPlaceholderGroup = { fullPath: string; name: string; open: number; awaiting: number; total: number };

/** Top-level groups whose placeholders the user manages, with what is still open there (for the inbox). */
export async function managedPlaceholderGroups(user: SessionUser, options: { ownedOnly?: boolean } = {}): Promise<ManagedPlaceholderGroup[]> {
  const namespaces = await db.namespace.findMany({
    where: {
      placeholders: { some: {} },
      // ownedOnly: the groups the user owns, not every group an administrator may manage.
      ...placeholderManagedNamespacesWhere(options.ownedOnly ? { ...user, isAdmin: false } : user),
    },
    select: { id: true, fullPath: true, name: true },
    orderBy: { fullPath: "asc" },
    take: 100,
  });
  if (namespaces.length === 0) return [];
  const counts = await db.placeholderReassignment.groupBy({
    by: ["namespaceId", "status"],
    where: { namespaceId: { in: namespaces.map((namespace) => namespace.id) } },
    _count: { _all: true },
  });
  const count = (namespaceId: number, statuses: ReassignmentStatus[]) =>
    counts.filter((row) => row.namespaceId === namespaceId && statuses.includes(row.status)).reduce((sum, row) => sum + row._count._all, 0);
  return namespaces.map((namespace) => ({
    fullPath: namespace.fullPath,
    name: namespace.name,
    open: count(namespace.id, ["pending", "rejected"]),
    awaiting: count(namespace.id, ["awaiting_approval"]),
    total: count(namespace.id, ["pending", "rejected", "awaiting_approval", "reassigned", "kept_as_placeholder"]),
  }));
}
