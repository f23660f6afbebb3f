import { z } from "zod";
import { getIssue, listIssues as readIssues } from "@/lib/issues";
import { getMergeRequest, listMergeRequests as readMergeRequests, type MergeRequestItem } from "@/lib/merge-requests";
import { listDiscussions, listNotes, type NoteTarget } from "@/lib/notes";
import { notFound } from "../errors";
import { pageOptions, paginateArray, paginatedList, paginationQuery } from "../pagination";
import { apiCommaList, apiEnum, apiId, apiInt, apiList, apiString } from "../params";
import type { ApiProject } from "../projects";
import { apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeApprovals, serializeDiscussion, serializeIssue, serializeMergeRequest, serializeNote, type Noteable } from "../serializers";

const orderQuery = { order_by: apiEnum(["created_at", "updated_at"]).optional(), sort: apiEnum(["asc", "desc"]).optional() };

/** What lists of issues and of merge requests both take: a page, an order, iids, a search, labels and a milestone. */
const workItemListQuery = {
  ...paginationQuery,
  ...orderQuery,
  iids: apiList(apiInt()).optional(),
  search: apiString().optional(),
  labels: apiCommaList().optional(),
  milestone: apiString().optional(),
};

function workItemListOptions(query: z.infer<z.ZodObject<typeof workItemListQuery>>) {
  const { iids, search, labels, milestone } = query;
  return { iids, search, labels, milestone, orderBy: query.order_by, sort: query.sort, ...pageOptions(query) };
}

function iidOf(value: string | undefined, what: string): number {
  const parsed = apiId().safeParse(value);
  if (!parsed.success || parsed.data > 2_147_483_647) throw notFound(what);
  return parsed.data;
}

/** The issue or merge request of `:iid` in the project, as the target and the noteable of its notes; 404 when missing. */
type NoteableLoader = (project: ApiProject, iid: string | undefined) => Promise<{ target: NoteTarget; noteable: Noteable }>;

async function findIssue(project: ApiProject, iid: string | undefined) {
  const issue = await getIssue(project.id, iidOf(iid, "Issue"));
  if (!issue) throw notFound("Issue");
  return issue;
}

async function findMergeRequest(project: ApiProject, iid: string | undefined) {
  const mergeRequest = await getMergeRequest(project.id, iidOf(iid, "Merge Request"));
  if (!mergeRequest) throw notFound("Merge Request");
  return mergeRequest;
}

const issueNoteable: NoteableLoader = async (project, iid) => {
  const issue = await findIssue(project, iid);
  return { target: { issueId: issue.id }, noteable: { kind: "Issue", id: issue.id, iid: issue.iid, project } };
};

function mergeRequestNoteable(project: ApiProject, mergeRequest: MergeRequestItem): Noteable {
  return { kind: "MergeRequest", id: mergeRequest.id, iid: mergeRequest.iid, project, baseSha: mergeRequest.targetSha, headSha: mergeRequest.sourceSha };
}

const mergeRequestNoteableOf: NoteableLoader = async (project, iid) => {
  const mergeRequest = await findMergeRequest(project, iid);
  return { target: { mergeRequestId: mergeRequest.id }, noteable: mergeRequestNoteable(project, mergeRequest) };
};

/** `GET …/:iid/notes`: one page of the notes, newest first unless asked otherwise. */
function notesEndpoint(name: string, load: NoteableLoader) {
  return apiRoute(
    { name, access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery, ...orderQuery }) },
    async ({ project, params, query, request }) => {
      const { target, noteable } = await load(project, params.iid);
      const notes = await listNotes(target, { orderBy: query.order_by, sort: query.sort, ...pageOptions(query) });
      return paginatedList(request, notes, (rows) => rows.map((note) => serializeNote(note, noteable)));
    },
  );
}

/** `GET …/:iid/discussions`: the threads, ordered by their first note. */
function discussionsEndpoint(name: string, load: NoteableLoader) {
  return apiRoute({ name, access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery }) }, async ({ project, params, query, request }) => {
    const { target, noteable } = await load(project, params.iid);
    return paginateArray(request, await listDiscussions(target), query, (discussion) => serializeDiscussion(discussion, noteable));
  });
}

// ---------------------------------------------------------------------------------------------
// Issues

const listIssues = apiRoute(
  {
    name: "list issues",
    access: "read",
    auth: "optional",
    project: "read",
    query: z.object({ ...workItemListQuery, state: apiEnum(["opened", "closed", "all"]).optional() }),
  },
  async ({ project, query, request }) => {
    const issues = await readIssues(project.id, { ...workItemListOptions(query), state: query.state });
    return paginatedList(request, issues, (rows) => rows.map((issue) => serializeIssue(issue, project)));
  },
);

const showIssue = apiRoute({ name: "show issue", access: "read", auth: "optional", project: "read" }, async ({ project, params }) => {
  return serializeIssue(await findIssue(project, params.iid), project);
});

// ---------------------------------------------------------------------------------------------
// Merge requests

const listMergeRequests = apiRoute(
  {
    name: "list merge requests",
    access: "read",
    auth: "optional",
    project: "read",
    query: z.object({
      ...workItemListQuery,
      state: apiEnum(["opened", "closed", "locked", "merged", "all"]).optional(),
      source_branch: apiString().optional(),
      target_branch: apiString().optional(),
    }),
  },
  async ({ project, query, request }) => {
    const options = { ...workItemListOptions(query), state: query.state, sourceBranch: query.source_branch, targetBranch: query.target_branch };
    const mergeRequests = await readMergeRequests(project.id, options);
    return paginatedList(request, mergeRequests, (rows) => rows.map((mergeRequest) => serializeMergeRequest(mergeRequest, project)));
  },
);

const showMergeRequest = apiRoute({ name: "show merge request", access: "read", auth: "optional", project: "read" }, async ({ project, params }) => {
  return serializeMergeRequest(await findMergeRequest(project, params.iid), project);
});

const showApprovals = apiRoute({ name: "merge request approvals", access: "read", auth: "optional", project: "read" }, async ({ project, params }) => {
  return serializeApprovals(await findMergeRequest(project, params.iid), project);
});

export const workItemRoutes: ApiRoutes = {
  "/projects/:id/issues": { GET: listIssues },
  "/projects/:id/issues/:iid": { GET: showIssue },
  "/projects/:id/issues/:iid/notes": { GET: notesEndpoint("list issue notes", issueNoteable) },
  "/projects/:id/issues/:iid/discussions": { GET: discussionsEndpoint("list issue discussions", issueNoteable) },
  "/projects/:id/merge_requests": { GET: listMergeRequests },
  "/projects/:id/merge_requests/:iid": { GET: showMergeRequest },
  "/projects/:id/merge_requests/:iid/notes": { GET: notesEndpoint("list merge request notes", mergeRequestNoteableOf) },
  "/projects/:id/merge_requests/:iid/discussions": { GET: discussionsEndpoint("list merge request discussions", mergeRequestNoteableOf) },
  "/projects/:id/merge_requests/:iid/approvals": { GET: showApprovals },
};
