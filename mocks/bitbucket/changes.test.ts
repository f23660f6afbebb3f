import { describe, expect, it } from "vitest";
import { WEB, apiTokenAuth, getJson, useSandboxHandlers } from "@/test/sandbox";
import { SHOWCASE_REPOSITORY } from "./index";

const { state } = useSandboxHandlers();
const alice = apiTokenAuth("alice");
const base = `/2.0/repositories/${SHOWCASE_REPOSITORY}`;

async function change(changes: unknown[]) {
  const response = await fetch(`${WEB}/_sandbox/repositories/${SHOWCASE_REPOSITORY}/changes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ changes }) });
  return { status: response.status, body: (await response.json()) as { applied?: Array<{ type: string; id?: number }> } };
}

describe("changing a repository after the import", () => {
  it("shows each change in listings filtered by update time, in the activity log and in git; reset drops them", async () => {
    const before = new Date(Date.now() - 1).toISOString();
    const detail = state.detail(state.repository("acme", "rocket-launcher")!);
    const oldTip = detail.git.sha(detail.git.branches["feature/abort-button-v2"]!);
    const { status, body } = await change([
      { type: "comment", pull_request: 5, content: "New at the source", user: "bob" },
      { type: "edit_pull_request", pull_request: 7, title: "Renamed" },
      { type: "force_push", branch: "feature/abort-button-v2" },
      { type: "delete_branch", branch: "feature/abort-button" },
    ]);
    expect(status).toBe(200);
    expect(body.applied?.[0]).toMatchObject({ type: "comment" });

    const changed = await getJson(`${base}/pullrequests?q=${encodeURIComponent(`updated_on >= "${before}"`)}&sort=updated_on`, alice);
    // Oldest update first: #5 moved again with the force push of its branch.
    expect(changed.body.values.map((pr: { id: number }) => pr.id)).toEqual([7, 5]);
    const log = await getJson(`${base}/pullrequests/activity?pagelen=3`, alice);
    expect(log.body.values[0]).toMatchObject({ pull_request: { id: 5 }, update: {} });
    expect(log.body.values[1]).toMatchObject({ pull_request: { id: 7 }, update: { title: "Renamed" } });
    expect(log.body.values[2]).toMatchObject({ pull_request: { id: 5 }, comment: { content: { raw: "New at the source" }, deleted: false } });
    expect(log.body.next).toContain("ctx=");

    const git = state.detail(state.repository("acme", "rocket-launcher")!).git;
    const newTip = git.branches["feature/abort-button-v2"]!;
    expect(git.sha(newTip)).not.toBe(oldTip);
    expect(git.commit(newTip).parents).toEqual(detail.git.commit(detail.git.branches["feature/abort-button-v2"]!).parents);
    expect(git.branches["feature/abort-button"]).toBeUndefined();
    expect((await getJson(`${base}/pullrequests/5`, alice)).body.source.commit.hash).toBe(git.sha(newTip).slice(0, 12));

    expect((await change([{ type: "delete_branch", branch: git.head }])).status).toBe(400);
    state.reset();
    expect(state.detail(state.repository("acme", "rocket-launcher")!).git.branches["feature/abort-button"]).toBeDefined();
  });
});
