import { z } from "zod";
import { toPublicError } from "@/lib/errors";
import { userRoute } from "@/lib/json-routes/wrapper";
import { bitbucketClientForUser } from "@/lib/import";
import { startListingStep, toRow } from "@/lib/import/repository-listing";
import { importStatusesFor, type RowImportStatus } from "@/lib/import/status";
import type { ListingStreamEvent } from "@/lib/import/listing-stream";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  filter: z.string().max(255, "must be at most 255 characters").optional(),
  cursor: z.string().max(100_000).optional(),
});

/**
 * One step of the listing as newline-delimited JSON, streamed workspace by workspace as Bitbucket
 * answers (in workspace order), each chunk with the import status of its repositories. Errors
 * before the first byte (no Bitbucket connection, a stale cursor) are ordinary JSON errors.
 */
export const GET = userRoute({ query: querySchema, context: "bitbucket repositories" }, async ({ user, query, requestId }) => {
  const client = await bitbucketClientForUser(user.id);
  const step = await startListingStep(client, query);
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: ListingStreamEvent) => {
        if (open) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      send({ type: "workspaces", workspaces: step.workspaces });
      try {
        const cursor = await step.run<Record<string, RowImportStatus>>(
          (event) => {
            if (event.type === "problem") return send(event);
            send({ type: "repositories", workspace: event.workspace, repositories: event.repositories.map(toRow), imports: event.extra });
          },
          (repositories) => importStatusesFor(user, repositories.map((repository) => repository.fullName)),
        );
        send({ type: "end", cursor });
      } catch (error) {
        send({ type: "error", error: toPublicError(error, requestId, "bitbucket repositories").body });
      }
      if (open) controller.close();
      open = false;
    },
    cancel() {
      open = false;
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
  });
});
