import { toPublicError, type PublicError } from "@/lib/errors";

/**
 * A streamed answer of newline-delimited JSON: `produce` sends events as they are ready; an error
 * it throws becomes a last `{ type: "error" }` line (logged with the request id). Stops sending
 * when the browser goes away.
 */
export function ndjsonResponse<Event>(
  produce: (send: (event: Event) => void) => Promise<void>,
  error: { requestId: string; context: string; event: (error: PublicError) => Event },
): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: Event) => {
        if (open) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      try {
        await produce(send);
      } catch (failure) {
        send(error.event(toPublicError(failure, error.requestId, error.context).body));
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
}
