import { db } from "@/lib/db";
import { importGitHubItemComments, singleEndpointNotes } from "../github/notes";
import { githubBatchStage } from "./github-batches";

/**
 * With `single_endpoint_notes_import`: every item's comments (and every pull request's review
 * comments) read item by item instead of from the repository-wide listings.
 */
export const githubItemNotesStage = githubBatchStage({
  name: "github_item_notes",
  label: "comments, item by item",
  objectType: "note",
  items: async (ctx) => {
    if (!singleEndpointNotes(ctx)) return [];
    const where = { projectId: ctx.project.id };
    const [issues, mergeRequests] = await Promise.all([db.issue.findMany({ where, select: { iid: true } }), db.mergeRequest.findMany({ where, select: { iid: true } })]);
    return [...issues, ...mergeRequests].map((item) => item.iid).sort((a, b) => a - b);
  },
  importBatch: importGitHubItemComments,
});
