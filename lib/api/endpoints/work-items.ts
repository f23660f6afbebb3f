import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { notFound } from "../errors";
import { pageOf, paginateArray, paginatedResponse, paginationQuery } from "../pagination";
import { apiCommaList, apiEnum, apiId, apiInt, apiList, apiString } from "../params";
import { findApiProject, type ApiProject } from "../projects";
import { apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import {
  apiApprovalSelect,
  apiIssueSelect,
  apiMergeRequestSelect,
  apiNoteSelect,
  serializeApprovals,
  serializeDiscussions,
  serializeIssue,
  serializeMergeRequest,
  serializeNote,
  type Noteable,
} from "../serializers";

const sortSchema = apiEnum(["asc", "desc"]).optional();
const orderBySchema = apiEnum(["created_at", "updated_at"]).optional();

function orderBy(query: { order_by?: "created_at" | "updated_at"; sort?: "asc" | "desc" }) {
  const direction = query.sort ?? "desc";
  return [{ [query.order_by === "updated_at" ? "updatedAt" : "createdAt"]: direction }, { iid: direction }] as const;
}

function iidOf(value: string | undefined, what: string): number {
  const parsed = apiId().safeParse(value);
  if (!parsed.success || parsed.data > 2_147_483_647) throw notFound(what);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Issues

/** `labels`: every label must be on the issue; "None" means no labels, "Any" at least one. */
function labelFilter(labels: string[] | undefined): Prisma.IssueWhereInput[] {
  if (!labels || labels.length === 0) return [];
  if (labels.length === 1 && labels[0]!.toLowerCase() === "none") return [{ labels: { none: {} } }];
  if (labels.length === 1 && labels[0]!.toLowerCase() === "any") return [{ labels: { some: {} } }];
  return labels.map((title) => ({ labels: { some: { label: { title } } } }));
}

function milestoneFilter(milestone: string | undefined): Prisma.IssueWhereInput[] {
  if (milestone === undefined) return [];
  if (milestone.toLowerCase() === "none") return [{ milestoneId: null }];
  if (milestone.toLowerCase() === "any") return [{ milestoneId: { not: null } }];
  return [{ milestone: { title: milestone } }];
}

const listIssues = apiRoute(
  {
    name: "list issues",
    access: "read",
    auth: "optional",
    query: z.object({
      ...paginationQuery,
      state: apiEnum(["opened", "closed", "all"]).optional(),
      labels: apiCommaList().optional(),
      milestone: apiString().optional(),
      iids: apiList(apiInt()).optional(),
      search: apiString().optional(),
      order_by: orderBySchema,
      sort: sortSchema,
    }),
  },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const page = pageOf(query);
    const where: Prisma.IssueWhereInput = {
      AND: [
        { projectId: project.id },
        query.state && query.state !== "all" ? { state: query.state } : {},
        query.iids ? { iid: { in: query.iids } } : {},
        query.search ? { OR: [{ title: { contains: query.search, mode: "insensitive" } }, { description: { contains: query.search, mode: "insensitive" } }] } : {},
        ...labelFilter(query.labels),
        ...milestoneFilter(query.milestone),
      ],
    };
    const [issues, total] = await Promise.all([
      db.issue.findMany({ where, select: apiIssueSelect, orderBy: [...orderBy(query)], skip: page.skip, take: page.take }),
      db.issue.count({ where }),
    ]);
    return paginatedResponse(request, issues.map((issue) => serializeIssue(issue, project)), page, total);
  },
);

async function findIssue(project: ApiProject, iidParam: string | undefined) {
  const issue = await db.issue.findUnique({ where: { projectId_iid: { projectId: project.id, iid: iidOf(iidParam, "Issue") } }, select: apiIssueSelect });
  if (!issue) throw notFound("Issue");
  return issue;
}

const showIssue = apiRoute({ name: "show issue", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  return serializeIssue(await findIssue(project, params.iid), project);
});

const notesQuery = z.object({ ...paginationQuery, order_by: orderBySchema, sort: sortSchema });

function notesOrder(query: z.infer<typeof notesQuery>) {
  const direction = query.sort ?? "desc";
  return [{ [query.order_by === "updated_at" ? "updatedAt" : "createdAt"]: direction }, { id: direction }];
}

const listIssueNotes = apiRoute({ name: "list issue notes", access: "read", auth: "optional", query: notesQuery }, async ({ caller, params, query, request }) => {
  const project = await findApiProject(caller, params.id!);
  const issue = await findIssue(project, params.iid);
  const noteable: Noteable = { kind: "Issue", id: issue.id, iid: issue.iid, project };
  const page = pageOf(query);
  const where = { issueId: issue.id };
  const [notes, total] = await Promise.all([
    db.note.findMany({ where, select: apiNoteSelect, orderBy: notesOrder(query), skip: page.skip, take: page.take }),
    db.note.count({ where }),
  ]);
  return paginatedResponse(request, notes.map((note) => serializeNote(note, noteable)), page, total);
});

const listIssueDiscussions = apiRoute(
  { name: "list issue discussions", access: "read", auth: "optional", query: z.object({ ...paginationQuery }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const issue = await findIssue(project, params.iid);
    const notes = await db.note.findMany({ where: { issueId: issue.id }, select: apiNoteSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return paginateArray(request, serializeDiscussions(notes, { kind: "Issue", id: issue.id, iid: issue.iid, project }), query);
  },
);

// ---------------------------------------------------------------------------------------------
// Merge requests

const listMergeRequests = apiRoute(
  {
    name: "list merge requests",
    access: "read",
    auth: "optional",
    query: z.object({
      ...paginationQuery,
      state: apiEnum(["opened", "closed", "locked", "merged", "all"]).optional(),
      iids: apiList(apiInt()).optional(),
      search: apiString().optional(),
      source_branch: apiString().optional(),
      target_branch: apiString().optional(),
      order_by: orderBySchema,
      sort: sortSchema,
    }),
  },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const page = pageOf(query);
    const where: Prisma.MergeRequestWhereInput = {
      projectId: project.id,
      // Ferry never locks merge requests, so "locked" matches none.
      ...(query.state === "locked" ? { id: -1 } : query.state && query.state !== "all" ? { state: query.state } : {}),
      ...(query.iids ? { iid: { in: query.iids } } : {}),
      ...(query.source_branch !== undefined ? { sourceBranch: query.source_branch } : {}),
      ...(query.target_branch !== undefined ? { targetBranch: query.target_branch } : {}),
      ...(query.search ? { OR: [{ title: { contains: query.search, mode: "insensitive" } }, { description: { contains: query.search, mode: "insensitive" } }] } : {}),
    };
    const [mergeRequests, total] = await Promise.all([
      db.mergeRequest.findMany({ where, select: apiMergeRequestSelect, orderBy: [...orderBy(query)], skip: page.skip, take: page.take }),
      db.mergeRequest.count({ where }),
    ]);
    return paginatedResponse(request, mergeRequests.map((mergeRequest) => serializeMergeRequest(mergeRequest, project)), page, total);
  },
);

async function findMergeRequest(project: ApiProject, iidParam: string | undefined) {
  const mergeRequest = await db.mergeRequest.findUnique({
    where: { projectId_iid: { projectId: project.id, iid: iidOf(iidParam, "Merge Request") } },
    select: apiMergeRequestSelect,
  });
  if (!mergeRequest) throw notFound("Merge Request");
  return mergeRequest;
}

function mergeRequestNoteable(project: ApiProject, mergeRequest: Awaited<ReturnType<typeof findMergeRequest>>): Noteable {
  return { kind: "MergeRequest", id: mergeRequest.id, iid: mergeRequest.iid, project, baseSha: mergeRequest.targetSha, headSha: mergeRequest.sourceSha };
}

const showMergeRequest = apiRoute({ name: "show merge request", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  return serializeMergeRequest(await findMergeRequest(project, params.iid), project);
});

const listMergeRequestNotes = apiRoute({ name: "list merge request notes", access: "read", auth: "optional", query: notesQuery }, async ({ caller, params, query, request }) => {
  const project = await findApiProject(caller, params.id!);
  const mergeRequest = await findMergeRequest(project, params.iid);
  const page = pageOf(query);
  const where = { mergeRequestId: mergeRequest.id };
  const [notes, total] = await Promise.all([
    db.note.findMany({ where, select: apiNoteSelect, orderBy: notesOrder(query), skip: page.skip, take: page.take }),
    db.note.count({ where }),
  ]);
  const noteable = mergeRequestNoteable(project, mergeRequest);
  return paginatedResponse(request, notes.map((note) => serializeNote(note, noteable)), page, total);
});

const listMergeRequestDiscussions = apiRoute(
  { name: "list merge request discussions", access: "read", auth: "optional", query: z.object({ ...paginationQuery }) },
  async ({ caller, params, query, request }) => {
    const project = await findApiProject(caller, params.id!);
    const mergeRequest = await findMergeRequest(project, params.iid);
    const notes = await db.note.findMany({ where: { mergeRequestId: mergeRequest.id }, select: apiNoteSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return paginateArray(request, serializeDiscussions(notes, mergeRequestNoteable(project, mergeRequest)), query);
  },
);

const showApprovals = apiRoute({ name: "merge request approvals", access: "read", auth: "optional" }, async ({ caller, params }) => {
  const project = await findApiProject(caller, params.id!);
  const mergeRequest = await findMergeRequest(project, params.iid);
  const approvals = await db.approval.findMany({ where: { mergeRequestId: mergeRequest.id }, select: apiApprovalSelect, orderBy: [{ approvedAt: "asc" }, { id: "asc" }] });
  return serializeApprovals(mergeRequest, approvals, project);
});

export const workItemRoutes: ApiRoutes = {
  "/projects/:id/issues": { GET: listIssues },
  "/projects/:id/issues/:iid": { GET: showIssue },
  "/projects/:id/issues/:iid/notes": { GET: listIssueNotes },
  "/projects/:id/issues/:iid/discussions": { GET: listIssueDiscussions },
  "/projects/:id/merge_requests": { GET: listMergeRequests },
  "/projects/:id/merge_requests/:iid": { GET: showMergeRequest },
  "/projects/:id/merge_requests/:iid/notes": { GET: listMergeRequestNotes },
  "/projects/:id/merge_requests/:iid/discussions": { GET: listMergeRequestDiscussions },
  "/projects/:id/merge_requests/:iid/approvals": { GET: showApprovals },
};
