/**
 * The Bitbucket Server source against the sandbox's handlers: a listing page of 1,000 is handed
 * out a slice at a time, each slice's activities read once, and a slice whose listing page was
 * read elsewhere lists again from its own offset.
 */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_REPOSITORY, SERVER_USERS, createBitbucketServerHandlers, createServerState } from "@/mocks/bitbucket-server";
import { createBitbucketServerSource } from "./bitbucket-server";

const BASE = "https://bitbucket-server.example.com";
const state = createServerState({ bench: { pullRequests: 250, maxActivities: 3 }, repositories: 0 });
const server = setupServer(...createBitbucketServerHandlers(state, { baseUrl: BASE }));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const sourceFor = (cacheKey: string) =>
  createBitbucketServerSource({ serverUrl: BASE, credential: { username: "alice", token: SERVER_USERS.alice.token }, repository: BENCH_REPOSITORY, cacheKey });

/** Requests since a log index: listing pages and activity reads. */
function requestsSince(since: number) {
  const paths = state.requests(since).map((entry) => entry.path);
  return { listings: paths.filter((path) => path.endsWith("/pull-requests")).length, activities: paths.filter((path) => path.endsWith("/activities")).length };
}

describe("Bitbucket Server pull request pages", () => {
  it("hands a listing page out 100 pull requests at a time, listing once and reading each one's activities once", async () => {
    const source = sourceFor("slices");
    const since = state.requestCount;
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await source.pullRequestsPage(cursor);
      pages.push(page.items.map((pullRequest) => pullRequest.id));
      cursor = page.next;
    } while (cursor);
    expect(pages.map((ids) => [ids[0], ids.at(-1), ids.length])).toEqual([[1, 100, 100], [101, 200, 100], [201, 250, 50]]);
    expect(requestsSince(since)).toEqual({ listings: 1, activities: 250 });

    // The comments read with the pull requests are served to the comment stage without a request.
    const afterPages = state.requestCount;
    const comments = await source.pullRequestCommentsPage(42, null);
    expect(comments.items.length).toBeGreaterThan(0);
    expect(requestsSince(afterPages)).toEqual({ listings: 0, activities: 0 });
  });

  it("lists again from a slice's own offset when its listing page was read elsewhere (another process, a restart)", async () => {
    const since = state.requestCount;
    const page = await sourceFor("elsewhere").pullRequestsPage("100");
    expect(page.items.map((pullRequest) => pullRequest.id)).toEqual(Array.from({ length: 100 }, (_, index) => 101 + index));
    expect(page.next).toBe("200");
    expect(requestsSince(since)).toEqual({ listings: 1, activities: 100 });
  });
});
