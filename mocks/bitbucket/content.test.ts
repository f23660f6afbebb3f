/**
 * Pull requests, comments, activity, issues, LFS batch and the showcase, through the msw handlers.
 */
import { describe, expect, it } from "vitest";
import { createBitbucketHandlers, createSandboxState, SANDBOX_ACCOUNTS, SANDBOX_REPOSITORIES, showcaseExpectations, type PullRequestRecord } from "./index";
import { API, WEB, apiTokenAuth, basic, bearerFor, collectPages, getJson, useSandboxHandlers, type Json } from "@/test/sandbox";

const { state, server } = useSandboxHandlers();

const get = (path: string, auth: string | null = alice) => getJson(path, auth);

const alice = apiTokenAuth("alice");
const bob = apiTokenAuth("bob");
const carol = apiTokenAuth("carol");
const RL = `/2.0/repositories/${SANDBOX_REPOSITORIES.privateRepo}`;
const q = (query: string) => encodeURIComponent(query);
const expected = showcaseExpectations();

describe("pull request listing", () => {
  it("lists OPEN pull requests by default, newest first, without participants or reviewers", async () => {
    const { status, body } = await get(`${RL}/pullrequests`);
    expect(status).toBe(200);
    const open = expected.pullRequests.filter((pr) => pr.state === "OPEN").map((pr) => pr.id);
    expect(body.values.map((pr: Json) => pr.id)).toEqual([...open].sort((a, b) => b - a));
    expect(body).toMatchObject({ page: 1, pagelen: 10, size: open.length });
    const first = body.values[0];
    expect(first).toMatchObject({ type: "pullrequest", state: "OPEN", summary: { type: "rendered", markup: "markdown" } });
    expect(first.participants).toBeUndefined();
    expect(first.reviewers).toBeUndefined();
    expect(first.rendered).toBeUndefined();
    expect(first.source.commit.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(first.links.html.href).toBe(`${WEB}/acme/rocket-launcher/pull-requests/${first.id}`);
  });

  it("takes repeated state parameters and rejects state=ALL", async () => {
    const all = await collectPages<Json>(`${API}${RL}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50`, { Authorization: alice });
    expect(all.values.map((pr) => pr.id).sort((a, b) => a - b)).toEqual(expected.pullRequests.map((pr) => pr.id));
    expect(new Set(all.values.map((pr) => pr.state))).toEqual(new Set(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]));
    const merged = await get(`${RL}/pullrequests?state=MERGED`);
    expect(merged.body.values.every((pr: Json) => pr.state === "MERGED")).toBe(true);
    const invalid = await get(`${RL}/pullrequests?state=ALL`);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ type: "error", error: { message: "Invalid state: ALL" } });
  });

  it("allows pagelen up to 50 and pages with absolute next links", async () => {
    expect((await get(`${RL}/pullrequests?pagelen=50`)).status).toBe(200);
    const over = await get(`${RL}/pullrequests?pagelen=51`);
    expect(over.status).toBe(400);
    expect(over.body).toEqual({ type: "error", error: { message: "Invalid pagelen" } });
    const pages = await collectPages<Json>(`${API}${RL}/pullrequests?state=MERGED&state=DECLINED&state=SUPERSEDED&state=OPEN&pagelen=2`, { Authorization: alice });
    expect(pages.urls).toHaveLength(Math.ceil(expected.pullRequests.length / 2));
    expect(pages.urls[1]).toBe(`${API}${RL}/pullrequests?state=MERGED&state=DECLINED&state=SUPERSEDED&state=OPEN&pagelen=2&page=2`);
  });

  it("sorts, and filters with q (which makes Bitbucket ignore state)", async () => {
    const sorted = await get(`${RL}/pullrequests?state=MERGED&state=OPEN&state=DECLINED&state=SUPERSEDED&sort=created_on&pagelen=50`);
    const created = sorted.body.values.map((pr: Json) => Date.parse(pr.created_on));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const byTitle = await get(`${RL}/pullrequests?state=OPEN&q=${q('title ~ "abort"')}`);
    // state=OPEN is ignored because q is present: the superseded pull request shows up too.
    expect(byTitle.body.values.map((pr: Json) => [pr.id, pr.state])).toEqual([
      [5, "OPEN"],
      [4, "SUPERSEDED"],
    ]);
    const byAuthor = await get(`${RL}/pullrequests?q=${q('author.nickname = "carol" AND state = "MERGED"')}`);
    expect(byAuthor.body.values.map((pr: Json) => pr.id)).toEqual([1]);
    expect((await get(`${RL}/pullrequests?q=${q('nope = "x"')}`)).status).toBe(400);
  });

  it("adds participants and reviewers on request (fields=+values.participants, %2B)", async () => {
    const { body } = await get(`${RL}/pullrequests?state=MERGED&fields=%2Bvalues.participants,%2Bvalues.reviewers`);
    const pr1 = body.values.find((pr: Json) => pr.id === 1);
    expect(pr1.title).toBe("Add countdown timer");
    expect(pr1.reviewers.map((user: Json) => user.nickname).sort()).toEqual(["alice", "bob"]);
    expect(pr1.participants).toEqual([
      expect.objectContaining({ type: "participant", role: "REVIEWER", approved: true, state: "approved", user: expect.objectContaining({ nickname: "alice" }) }),
      expect.objectContaining({ type: "participant", role: "REVIEWER", approved: true, state: "approved", user: expect.objectContaining({ nickname: "bob" }) }),
    ]);
    const only = await get(`${RL}/pullrequests?fields=${q("values.id,values.participants.user.nickname")}`);
    expect(Object.keys(only.body)).toEqual(["values"]);
    expect(only.body.values[0]).toEqual({ id: 9, participants: [] });
  });

  it("needs read access and the pullrequest scope", async () => {
    expect((await get(`${RL}/pullrequests`, null)).status).toBe(404);
    expect((await get(`/2.0/repositories/initech/tps-reports/pullrequests`, bob)).status).toBe(404);
    const limited = createSandboxState({ consumer: { scopes: ["repository"] } });
    server.use(...createBitbucketHandlers(limited, { webUrl: WEB, apiUrl: API }));
    const { status, body } = await get(`${RL}/pullrequests`, bearerFor(limited, "alice"));
    expect(status).toBe(403);
    expect(body.error.detail.required).toEqual(["pullrequest"]);
  });
});

describe("a pull request", () => {
  it("has participants, reviewers and Bitbucket's fields", async () => {
    const { status, body } = await get(`${RL}/pullrequests/1`);
    expect(status).toBe(200);
    const pr1 = expected.pullRequests[0]!;
    expect(body).toMatchObject({
      type: "pullrequest",
      id: 1,
      title: "Add countdown timer",
      state: "MERGED",
      draft: false,
      close_source_branch: true,
      comment_count: pr1.commentCount,
      task_count: 0,
      reason: "",
      author: { nickname: "carol", account_id: SANDBOX_ACCOUNTS.carol.account_id },
      closed_by: { nickname: "alice" },
      source: { branch: { name: "feature/countdown" }, commit: { hash: pr1.sourceCommit.slice(0, 12) }, repository: { full_name: "acme/rocket-launcher" } },
      destination: { branch: { name: "main" }, repository: { full_name: "acme/rocket-launcher" } },
      merge_commit: { hash: pr1.mergeCommit!.slice(0, 12), type: "commit" },
      rendered: { title: { raw: "Add countdown timer" } },
    });
    expect(body.description).toContain(`${WEB}/acme/rocket-launcher/issues/1`);
    expect(body.description).toContain(`@{${SANDBOX_ACCOUNTS.alice.account_id}}`);
    expect(body.summary.html).toContain('class="ap-mention"');
    expect(body.participants).toHaveLength(2);
    expect(body.participants[0]).toEqual({
      type: "participant",
      user: expect.objectContaining({ nickname: "alice" }),
      role: "REVIEWER",
      approved: true,
      state: "approved",
      participated_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/),
    });
  });

  it("covers every state, a draft and forks", async () => {
    const states = await Promise.all(expected.pullRequests.map(async (pr) => (await get(`${RL}/pullrequests/${pr.id}`)).body));
    expect(new Set(states.map((pr) => pr.state))).toEqual(new Set(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]));
    expect(states.filter((pr) => pr.draft).map((pr) => pr.id)).toEqual([9]);
    const declined = states.find((pr) => pr.state === "DECLINED")!;
    expect(declined.reason).toBe("We are staying on TypeScript for now.");
    // From the readable fork.
    expect(states[6]).toMatchObject({ id: 7, source: { repository: { full_name: SANDBOX_REPOSITORIES.fork }, branch: { name: "experiment/warp-drive" } } });
    expect(states[6]!.source.commit.links.self.href).toContain(`/repositories/${SANDBOX_REPOSITORIES.fork}/commit/`);
    expect((await get(`/2.0/repositories/${states[6]!.source.repository.full_name}`)).status).toBe(200);
    // From a private fork in another workspace: described, but nobody here can read it.
    expect(states[7]).toMatchObject({ id: 8, source: { repository: { full_name: "coyote-labs/rocket-launcher" } } });
    expect((await get(`/2.0/repositories/coyote-labs/rocket-launcher`)).status).toBe(404);
    // From a deleted fork.
    expect(states[5]).toMatchObject({ id: 6, state: "MERGED", source: { repository: null, branch: { name: "launch-window" } } });
  });

  it("answers 404 text/plain Not Found for a missing pull request", async () => {
    for (const path of [`${RL}/pullrequests/99`, `${RL}/pullrequests/abc`, `${RL}/pullrequests/99/comments`, `${RL}/pullrequests/99/activity`]) {
      const { status, body, response } = await get(path);
      expect(status, path).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/plain");
      expect(body.text).toBe("Not Found");
    }
  });
});

describe("pull request comments", () => {
  it("returns threads, inline comments, deleted comments and mentions", async () => {
    const { body } = await get(`${RL}/pullrequests/1/comments?pagelen=100`);
    expect(body.size).toBe(5);
    const [question, answer, reply, inline, inlineReply] = body.values as Json[];
    expect(question).toMatchObject({ type: "pullrequest_comment", deleted: false, pending: false, user: { nickname: "bob" }, content: { markup: "markdown" } });
    expect(question!.parent).toBeUndefined();
    expect(question!.inline).toBeUndefined();
    expect(answer!.parent.id).toBe(question!.id);
    expect(reply!.parent.id).toBe(answer!.id);
    expect(reply!.content.raw).toBe(`@{${SANDBOX_ACCOUNTS.bob.account_id}} agreed, let's merge once the tests are in.`);
    expect(reply!.content.html).toContain(">@Bob Brown</a>");
    expect(inline).toMatchObject({ inline: { path: "src/countdown.ts", from: null, to: 5 } });
    expect(inline!.content.raw).toMatch(new RegExp(`${WEB}/acme/rocket-launcher/src/[0-9a-f]{40}/src/countdown\\.ts#lines-5`));
    expect(inlineReply).toMatchObject({ parent: { id: inline!.id }, inline: { path: "src/countdown.ts" } });
    expect(question!.links.html.href).toBe(`${WEB}/acme/rocket-launcher/pull-requests/1/_/diff#comment-${question!.id}`);

    const declined = await get(`${RL}/pullrequests/3/comments`);
    const deleted = declined.body.values.filter((comment: Json) => comment.deleted);
    expect(deleted).toHaveLength(1);
    expect(deleted[0].content.raw).not.toBe("");
  });

  it("has inline comments with from only, to only, both, and on a path outside the diff", async () => {
    const { body } = await get(`${RL}/pullrequests/5/comments?pagelen=100`);
    const inline = body.values.filter((comment: Json) => comment.inline).map((comment: Json) => comment.inline);
    expect(inline).toEqual(
      expect.arrayContaining([
        { path: "src/abort.ts", from: null, to: 12 },
        { path: "src/sequencer.ts", from: 8, to: null },
        { path: "README.md", from: 3, to: 3 },
        { path: "src/legacy/abort-old.ts", from: null, to: 999 },
      ]),
    );
    expect(body.values.some((comment: Json) => comment.user === null)).toBe(true);
    const links = body.values.find((comment: Json) => comment.content.raw.startsWith("Related:"));
    expect(links.content.raw).toContain(`${WEB}/globex/open-api-specs/pull-requests/1`);
    expect(links.content.raw).toContain(`${WEB}/acme/rocket-launcher/pull-requests/2`);
    // A link into the fork shares the prefix "acme/rocket-launcher": a naive rewrite would break it.
    const forkLink = (await get(`${RL}/pullrequests/7/comments`)).body.values[1];
    expect(forkLink.content.raw).toMatch(new RegExp(`${WEB}/acme/rocket-launcher-experiments/src/[0-9a-f]{40}/src/warp\\.ts#lines-1`));
  });

  it("shows pending comments to their author only", async () => {
    const forAlice = await get(`${RL}/pullrequests/5/comments?pagelen=100`);
    const forCarol = await get(`${RL}/pullrequests/5/comments?pagelen=100`, carol);
    expect(forCarol.body.size).toBe(forAlice.body.size + 1);
    const pending = forCarol.body.values.find((comment: Json) => comment.pending);
    expect(pending.user.nickname).toBe("carol");
    expect((await get(`${RL}/pullrequests/5/comments/${pending.id}`)).status).toBe(404);
    expect((await get(`${RL}/pullrequests/5/comments/${pending.id}`, carol)).status).toBe(200);
    expect((await get(`${RL}/pullrequests/5`)).body.comment_count).toBe(expected.pullRequests[4]!.commentCount);
  });

  it("has pull requests with no comments (comment_count 0)", async () => {
    const zero = expected.pullRequests.filter((pr) => pr.commentCount === 0);
    expect(zero.map((pr) => pr.id)).toEqual([4, 9]);
    const { body } = await get(`${RL}/pullrequests/4/comments`);
    expect(body).toMatchObject({ size: 0, values: [] });
    expect((await get(`${RL}/pullrequests/4`)).body.comment_count).toBe(0);
  });

  it("filters and sorts comments", async () => {
    const { body } = await get(`${RL}/pullrequests/5/comments?sort=-created_on&q=${q("inline.path != null")}`);
    const dates = body.values.map((comment: Json) => Date.parse(comment.created_on));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(body.values.every((comment: Json) => comment.inline)).toBe(true);
  });
});

describe("pull request activity", () => {
  it("lists updates, approvals and comments newest first with a ctx cursor, pagelen <= 50", async () => {
    const first = await get(`${RL}/pullrequests/1/activity?pagelen=3`);
    expect(first.status).toBe(200);
    expect(first.body.size).toBeUndefined();
    expect(first.body.page).toBeUndefined();
    expect(first.body.next).toMatch(new RegExp(`^${API}${RL}/pullrequests/1/activity\\?pagelen=3&ctx=`));
    const all = await collectPages<Json>(`${API}${RL}/pullrequests/1/activity?pagelen=3`, { Authorization: alice });
    const kinds = all.values.map((value) => Object.keys(value).find((key) => key !== "pull_request"));
    expect(kinds.filter((kind) => kind === "approval")).toHaveLength(2);
    expect(kinds.filter((kind) => kind === "comment")).toHaveLength(5);
    expect(kinds.filter((kind) => kind === "update")).toHaveLength(2);
    expect(all.values[0]).toMatchObject({ update: { state: "MERGED", author: { nickname: "alice" } }, pull_request: { id: 1, type: "pullrequest" } });
    expect(all.values.at(-1)).toMatchObject({ update: { state: "OPEN", author: { nickname: "carol" } } });
    const approvals = all.values.filter((value) => value.approval).map((value) => value.approval.user.nickname);
    expect(approvals.sort()).toEqual(["alice", "bob"]);
    const dates = all.values.map((value) => Date.parse((value.update ?? value.approval ?? value.comment).date ?? value.comment.created_on));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect((await get(`${RL}/pullrequests/1/activity?pagelen=51`)).status).toBe(400);
    expect((await get(`${RL}/pullrequests/1/activity?pagelen=50`)).status).toBe(200);
  });

  it("reports change requests", async () => {
    const { body } = await get(`${RL}/pullrequests/5/activity?pagelen=50`);
    expect(body.values.some((value: Json) => value.changes_requested?.user.nickname === "carol")).toBe(true);
  });
});

describe("issues", () => {
  const enable = () => state.updateKnobs({ issuesRemoved: false });

  it("answers 410 with Bitbucket's body while issuesRemoved is on (default)", async () => {
    for (const path of ["/issues", "/issues/1", "/issues/1/comments", "/milestones", "/components", "/versions"]) {
      const { status, body } = await get(`${RL}${path}`);
      expect(status, path).toBe(410);
      expect(body).toEqual({ type: "error", error: { message: "Issues have been removed from Bitbucket Cloud.", detail: expect.stringContaining("August 20, 2026") } });
    }
  });

  it("answers 404 'Repository has no issue tracker.' when has_issues is false", async () => {
    enable();
    for (const path of ["/issues", "/issues/1", "/milestones"]) {
      const { status, body } = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.fork}${path}`);
      expect(status).toBe(404);
      expect(body).toEqual({ type: "error", error: { message: "Repository has no issue tracker." } });
    }
  });

  it("lists the showcase issues with every state, kind and priority", async () => {
    enable();
    const { values } = await collectPages<Json>(`${API}${RL}/issues?pagelen=5`, { Authorization: alice });
    expect(values.map((issue) => issue.id)).toEqual(expected.issues.map((issue) => issue.id));
    expect(values.map((issue) => issue.id)).not.toContain(11);
    expect(new Set(values.map((issue) => issue.state))).toEqual(new Set(["submitted", "new", "open", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed"]));
    expect(new Set(values.map((issue) => issue.kind))).toEqual(new Set(["bug", "enhancement", "proposal", "task"]));
    expect(new Set(values.map((issue) => issue.priority))).toEqual(new Set(["trivial", "minor", "major", "critical", "blocker"]));
    for (const issue of values) if (issue.assignee && issue.reporter) expect(issue.assignee.uuid).not.toBe(issue.reporter.uuid);
    const first = values[0]!;
    expect(first).toMatchObject({
      type: "issue",
      id: 1,
      title: "Countdown skips the last second",
      kind: "bug",
      priority: "major",
      state: "resolved",
      reporter: { nickname: "bob" },
      assignee: { nickname: "carol" },
      milestone: { type: "milestone", id: 1, name: "1.0" },
      component: { type: "component", name: "sequencer" },
      version: { type: "version", name: "1.0.0" },
      votes: 2,
      watches: 3,
      edited_on: null,
      content: { type: "rendered", raw: "The countdown goes 3, 2, 1 and never shows 0.", markup: "markdown" },
      repository: { full_name: "acme/rocket-launcher" },
    });
    expect(first.links.html.href).toBe(`${WEB}/acme/rocket-launcher/issues/1`);
    expect(values.find((issue) => issue.id === 10)!.content.markup).toBe("creole");
    expect(values.find((issue) => issue.id === 13)!.reporter).toBeNull();
  });

  it("filters and sorts issues; 404 for a deleted issue", async () => {
    enable();
    const bugs = await get(`${RL}/issues?q=${q('kind = "bug" AND (state = "resolved" OR state = "closed")')}&sort=-id`);
    expect(bugs.body.values.map((issue: Json) => issue.id)).toEqual([13, 3, 1]);
    const milestone = await get(`${RL}/issues?q=${q('milestone.name = "1.1"')}`);
    expect(milestone.body.values.map((issue: Json) => issue.id)).toEqual([2, 5, 10, 13]);
    const missing = await get(`${RL}/issues/11`);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe("error");
    expect((await get(`${RL}/issues/2`)).body).toMatchObject({ id: 2, assignee: { nickname: "bob" }, edited_on: expect.any(String) });
  });

  it("serves comments (some with null content), changes, milestones, components and versions", async () => {
    enable();
    const comments = await get(`${RL}/issues/1/comments`);
    expect(comments.body.size).toBe(2);
    expect(comments.body.values[0]).toMatchObject({ type: "issue_comment", user: { nickname: "carol" }, issue: { id: 1, type: "issue" } });
    expect(comments.body.values[0].content.raw).toBe(`${WEB}/acme/rocket-launcher/pull-requests/1`.replace(/^/, "Fixed in ") + ".");
    expect(comments.body.values[1].content).toEqual({ type: "rendered", raw: null, markup: "markdown", html: "" });
    const changes = await get(`${RL}/issues/3/changes`);
    expect(changes.body.values.map((change: Json) => change.changes.state)).toEqual([
      { old: "open", new: "resolved" },
      { old: "resolved", new: "closed" },
    ]);
    const mentions = await get(`${RL}/issues/2/comments`);
    expect(mentions.body.values[1].content.raw).toContain(`@{${SANDBOX_ACCOUNTS.bob.account_id}}`);
    expect((await get(`${RL}/milestones`)).body.values.map((m: Json) => m.name)).toEqual(expected.milestones);
    expect((await get(`${RL}/components`)).body.values.map((m: Json) => m.name)).toEqual(expected.components);
    expect((await get(`${RL}/versions`)).body.values.map((m: Json) => m.name)).toEqual(expected.versions);
    expect((await get(`${RL}/milestones/2`)).body).toMatchObject({ type: "milestone", id: 2, name: "1.1" });
    expect((await get(`${RL}/milestones/9`)).status).toBe(404);
    expect((await get(`${RL}/issues/1/attachments`)).body.values).toEqual([]);
  });

  it("generates trackers for other repositories with has_issues", async () => {
    enable();
    const { body } = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.publicRepo}/issues?pagelen=100`, null);
    expect(body.size).toBeGreaterThanOrEqual(0);
    for (const issue of body.values) expect(issue.repository.full_name).toBe(SANDBOX_REPOSITORIES.publicRepo);
  });
});

describe("Git LFS batch API (msw)", () => {
  const batchUrl = `${WEB}/${SANDBOX_REPOSITORIES.privateRepo}.git/info/lfs/objects/batch`;
  const batch = (objects: { oid: string; size: number }[], auth: string | null = basic("x-bitbucket-api-token-auth", SANDBOX_ACCOUNTS.alice.apiToken), operation = "download") =>
    fetch(batchUrl, {
      method: "POST",
      headers: { Accept: "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json", ...(auth ? { Authorization: auth } : {}) },
      body: JSON.stringify({ operation, transfers: ["basic"], objects }),
    });

  it("answers download actions for known objects and per-object 404 for unknown ones", async () => {
    const known = expected.lfsObjects[0]!;
    const unknown = { oid: "0".repeat(64), size: 3 };
    const response = await batch([{ oid: known.oid, size: known.size }, unknown]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.git-lfs+json");
    const body = (await response.json()) as Json;
    expect(body.transfer).toBe("basic");
    expect(body.objects[0]).toMatchObject({ oid: known.oid, size: known.size, authenticated: true, actions: { download: { href: `${WEB}/_lfs/acme/rocket-launcher/${known.oid}`, expires_in: 3600 } } });
    expect(body.objects[1]).toEqual({ ...unknown, error: { code: 404, message: "Object does not exist." } });

    const download = body.objects[0].actions.download;
    const bytes = await fetch(download.href, { headers: download.header });
    expect(bytes.status).toBe(200);
    const content = Buffer.from(await bytes.arrayBuffer());
    expect(content.length).toBe(known.size);
    expect(content.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
    expect((await fetch(download.href)).status).toBe(401);
    const other = expected.lfsObjects[1]!;
    expect((await fetch(`${WEB}/_lfs/acme/rocket-launcher/${other.oid}`, { headers: download.header })).status).toBe(401);
    expect(state.requests().map((entry) => [entry.path.replace(/[0-9a-f]{64}/, "<oid>"), entry.status, entry.account])).toEqual([
      ["/acme/rocket-launcher.git/info/lfs/objects/batch", 200, "alice"],
      ["/_lfs/acme/rocket-launcher/<oid>", 200, "alice"],
      ["/_lfs/acme/rocket-launcher/<oid>", 401, null],
      ["/_lfs/acme/rocket-launcher/<oid>", 401, null],
    ]);
  });

  it("uses the git credential rules", async () => {
    const anonymous = await batch([], null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("lfs-authenticate")).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(((await anonymous.json()) as Json).message).toEqual(expect.any(String));
    const stranger = await fetch(`${WEB}/initech/tps-reports.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.git-lfs+json", Authorization: basic("bob", SANDBOX_ACCOUNTS.bob.apiToken) },
      body: JSON.stringify({ operation: "download", objects: [] }),
    });
    expect(stranger.status).toBe(404);
    const { accessToken } = state.grantTokensFor("carol");
    expect((await batch([], basic("x-token-auth", accessToken))).status).toBe(200);
    expect((await batch([], basic("alice", "app-password"))).status).toBe(401);
    expect((await batch([], undefined, "upload")).status).toBe(403);
  });

  it("expires download tokens after an hour", async () => {
    let now = Date.UTC(2026, 10, 20);
    const clocked = createSandboxState({ now: () => now });
    server.use(...createBitbucketHandlers(clocked, { webUrl: WEB, apiUrl: API }));
    const known = expected.lfsObjects[2]!;
    const body = (await (await batch([{ oid: known.oid, size: known.size }])).json()) as Json;
    const { href, header } = body.objects[0].actions.download;
    expect((await fetch(href, { headers: header })).status).toBe(200);
    now += 3601_000;
    const expired = await fetch(href, { headers: header });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Json).message).toMatch(/expired/);
  });
});

describe("wiki access (msw)", () => {
  const refs = (fullName: string) => `${WEB}/${fullName}.git/wiki/info/refs?service=git-upload-pack`;
  const auth = { Authorization: basic("alice", SANDBOX_ACCOUNTS.alice.apiToken) };

  it("uses the git rules and answers 404 without a wiki or when wikis are removed", async () => {
    // Allowed: the msw handlers stop after the decision (the server runs git).
    expect((await fetch(refs(SANDBOX_REPOSITORIES.privateRepo), { headers: auth })).status).toBe(501);
    expect((await fetch(refs(SANDBOX_REPOSITORIES.privateRepo))).status).toBe(401);
    expect((await fetch(refs(SANDBOX_REPOSITORIES.personalPublic), { headers: auth })).status).toBe(404);
    state.updateKnobs({ wikisRemoved: true });
    expect((await fetch(refs(SANDBOX_REPOSITORIES.privateRepo), { headers: auth })).status).toBe(404);
    expect((await fetch(`${WEB}/_sandbox/config`).then((response) => response.json()) as Json).wikisRemoved).toBe(true);
  });
});

describe("request stats", () => {
  it("counts requests by route template and status", async () => {
    await get(`${RL}/pullrequests/1`);
    await get(`${RL}/pullrequests/2`);
    await get(`${RL}/pullrequests/99`);
    await get(`${RL}/pullrequests/1/comments`);
    await get("/2.0/user", null);
    const stats = (await (await fetch(`${WEB}/_sandbox/stats`)).json()) as Json;
    expect(stats.total).toBe(5);
    expect(stats.byStatus).toEqual({ "200": 3, "401": 1, "404": 1 });
    expect(stats.routes[0]).toEqual({ route: "GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}", total: 3, statuses: { "200": 2, "404": 1 } });
    expect(stats.routes.map((route: Json) => route.route)).toContain("GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments");
    await fetch(`${WEB}/_sandbox/requests`, { method: "DELETE" });
    expect(((await (await fetch(`${WEB}/_sandbox/stats`)).json()) as Json).total).toBe(5);
    expect((await fetch(`${WEB}/_sandbox/stats`, { method: "DELETE" })).status).toBe(204);
    expect(((await (await fetch(`${WEB}/_sandbox/stats`)).json()) as Json).total).toBe(0);
  });

  it("keeps the request log bounded", async () => {
    const small = createSandboxState({ requestLogLimit: 10 });
    for (let i = 0; i < 25; i++) small.logRequest({ method: "GET", path: `/2.0/users/${i}`, query: {}, status: 200, account: null });
    expect(small.requests().length).toBeLessThanOrEqual(10);
    expect(small.requests().at(-1)!.index).toBe(24);
    expect(small.requestCount).toBe(25);
    expect(small.requestStats().total).toBe(25);
  });
});

describe("generated content for every repository", () => {
  it("is deterministic and consistent", () => {
    const other = createSandboxState();
    for (const workspace of state.workspaces) {
      for (const repository of state.repositoriesOf(workspace).slice(0, 20)) {
        const detail = state.detail(repository);
        const again = other.detail(other.repository(repository.workspace, repository.slug)!);
        expect(detail.git.sha(detail.git.branches[repository.mainbranch]!)).toBe(again.git.sha(again.git.branches[repository.mainbranch]!));
        expect(detail.git.head).toBe(repository.mainbranch);
        expect(Boolean(detail.wiki)).toBe(repository.has_wiki);
        if (!repository.has_issues) expect(detail.issues.count).toBe(0);
        for (let id = 1; id <= detail.pullRequests.count; id++) {
          const pr: PullRequestRecord = detail.pullRequests.get(id)!;
          if (pr.state === "MERGED") expect(detail.git.inRepository(detail.git.markOf(pr.mergeCommit!)!)).toBe(true);
          if (pr.state === "OPEN" && pr.source.repository === repository.full_name) expect(detail.git.inRepository(detail.git.markOf(pr.source.commit)!)).toBe(true);
        }
        for (const object of detail.lfs.values()) expect(detail.git.pathsAt(detail.git.branches[repository.mainbranch]!)).toContain(object.path);
      }
    }
  });

  it("describes the showcase in showcaseExpectations()", () => {
    expect(expected.repository).toBe("acme/rocket-launcher");
    expect(Object.keys(expected.branches).sort()).toEqual(["develop", "feature/abort-button", "feature/abort-button-v2", "feature/telemetry-dashboard", "main"]);
    expect(Object.keys(expected.tags)).toEqual(["v1.0.0", "v1.1.0"]);
    expect(expected.tags["v1.0.0"]!.annotated).toBe(true);
    expect(expected.tags["v1.1.0"]!.annotated).toBe(false);
    expect(expected.lfsObjects).toHaveLength(3);
    expect(expected.wikiPages).toEqual(["Home.md", "Legacy Notes.wiki", "Setup Guide.md", "docs/Deep Page.md"]);
    const byId = new Map(expected.pullRequests.map((pr) => [pr.id, pr]));
    expect(byId.get(2)).toMatchObject({ state: "MERGED", sourceCommitInRepository: false, mergeCommit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(byId.get(3)).toMatchObject({ state: "DECLINED", sourceCommitInRepository: false, mergeCommit: null });
    expect(byId.get(1)).toMatchObject({ sourceCommitInRepository: true, approvedBy: ["alice", "bob"], reviewers: ["alice", "bob"] });
    expect(byId.get(6)).toMatchObject({ sourceRepository: null, sourceCommitInRepository: true });
    expect(byId.get(7)).toMatchObject({ sourceRepository: "acme/rocket-launcher-experiments", sourceCommitInRepository: false });
    expect(byId.get(8)).toMatchObject({ sourceRepository: "coyote-labs/rocket-launcher", sourceCommitInRepository: false });
    expect(expected.issues).toHaveLength(12);
  });

  it("shows renamed accounts under their new nickname", async () => {
    state.renameAccount("bob", { nickname: "robert" });
    const { body } = await get(`${RL}/pullrequests/2`);
    expect(body.author.nickname).toBe("robert");
    expect(body.author.uuid).toBe(SANDBOX_ACCOUNTS.bob.uuid);
  });
});
