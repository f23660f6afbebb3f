import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

/**
 * An msw server for this test file (unhandled requests fail the test; handlers added with
 * `server.use` last one test) and the URLs of the requests that reached it during the current test.
 * Registers the hooks; call it at the top of a test file.
 */
export function useMockServer() {
  const server = setupServer();
  const requests: URL[] = [];
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    server.events.on("request:start", ({ request }) => {
      requests.push(new URL(request.url));
    });
  });
  beforeEach(() => {
    requests.length = 0;
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { server, requests };
}

/** What `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
