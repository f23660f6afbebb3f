import { delay, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBitbucketClient, type BitbucketClient } from "@/lib/bitbucket";
import { createBitbucketHandlers, createSandboxState } from "@/mocks/bitbucket";
import { listAllRepositories, startListingStep, type ListingEvent } from "./repository-listing";

const API = "https://api.bitbucket.org";
const state = createSandboxState();
const server = setupServer(...createBitbucketHandlers(state, { webUrl: "https://bitbucket.org", apiUrl: API }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
beforeEach(() => state.reset());

function aliceClient(): BitbucketClient {
  const { accessToken } = state.grantTokensFor("alice");
  return createBitbucketClient({
    apiUrl: API,
    credential: { kind: "oauth", getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
  });
}

describe("the streamed listing", () => {
  it("hands out workspaces in order even when an earlier one answers last, and continues with a cursor", async () => {
    // acme is first in order but answers last.
    server.use(
      http.get(`${API}/2.0/repositories/acme`, async () => {
        await delay(150);
      }),
    );
    const client = aliceClient();
    const step = await startListingStep(client, {});
    expect(step.workspaces).toEqual(["acme", "alice", "globex", "initech"]);
    const events: Array<ListingEvent<number>> = [];
    const cursor = await step.run<number>(
      (event) => void events.push(event),
      async (repositories) => repositories.length,
    );
    expect(events.map((event) => event.workspace)).toEqual(["acme", "alice", "globex", "initech"]);
    const acme = events[0]!;
    expect(acme.type === "repositories" && acme.repositories.length).toBe(100);
    expect(acme.type === "repositories" && acme.extra).toBe(100);
    expect(cursor).not.toBeNull();

    const next = await startListingStep(client, { cursor: cursor! });
    const rest: Array<ListingEvent> = [];
    expect(await next.run((event) => void rest.push(event))).toBeNull();
    expect(rest.map((event) => event.workspace)).toEqual(["acme"]);
    expect(rest[0]!.type === "repositories" && rest[0]!.repositories.length).toBe(20);
  });

  it("reports a workspace that fails in its place and lists the others", async () => {
    state.updateKnobs({ brokenPaths: ["^/2\\.0/repositories/globex$"] });
    const step = await startListingStep(aliceClient(), { filter: "e" });
    const events: ListingEvent[] = [];
    await step.run((event) => void events.push(event));
    expect(events.map((event) => [event.workspace, event.type])).toEqual([
      ["acme", "repositories"],
      ["alice", "repositories"],
      ["globex", "problem"],
      ["initech", "repositories"],
    ]);
  });

  it("lists every page of every workspace for Import all", async () => {
    const { repositories, problems } = await listAllRepositories(aliceClient(), {});
    expect(problems).toEqual([]);
    expect(repositories).toHaveLength(136);
    expect(new Set(repositories.map((repository) => repository.fullName)).size).toBe(136);
  });

  it("finds repositories by slug as well as by name, and a workspace/ prefix narrows to that workspace, for Import all too", async () => {
    const names = async (filter: string) => (await listAllRepositories(aliceClient(), { filter })).repositories.map((repository) => repository.fullName).sort();
    expect(await names("shipping-exporter")).toEqual(["acme/shipping-exporter"]);
    expect(await names("Ledger Engine")).toEqual(["acme/ledger-engine", "alice/ledger-engine"]);
    expect(await names("acme/ledger-e")).toEqual(["acme/ledger-engine"]);
    expect(await names("ACME/")).toHaveLength(120);
    expect(await names("nowhere/ledger")).toEqual([]);
    const step = await startListingStep(aliceClient(), { filter: "initech/" });
    expect(step.workspaces).toEqual(["initech"]);
  });
});
