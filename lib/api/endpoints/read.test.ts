import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createPersonalAccessToken } from "@/lib/tokens";
import { callApi, userWithToken } from "@/test/api";
import { resetDatabase } from "@/test/db";
import { createWiki } from "@/test/wiki";
import { routeApiRequest } from "./index";

beforeEach(resetDatabase);

async function get<T = Record<string, unknown>>(pathname: string, token: string | null) {
  const response = await callApi("GET", pathname, token);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/**
 * acme (group; developer is a Developer, owner an Owner) / platform (subgroup) / rocket (private),
 * with issues, labels, a milestone, merge requests with threads and approvals; and
 * owner/site (public).
 */
async function scenario() {
  const owner = await userWithToken("owner");
  const developer = await userWithToken("developer", { scopes: ["read_api"] });
  const stranger = await userWithToken("stranger");
  const admin = await userWithToken("root", { admin: true });
  const acme = await db.namespace.create({ data: { kind: "group", name: "Acme Corp", path: "acme", fullPath: "acme" } });
  const platform = await db.namespace.create({ data: { kind: "group", name: "Platform", path: "platform", fullPath: "acme/platform", parentId: acme.id } });
  await db.membership.createMany({
    data: [
      { userId: owner.user.id, namespaceId: acme.id, role: "owner" },
      { userId: developer.user.id, namespaceId: acme.id, role: "developer" },
    ],
  });
  const ownerNamespace = await db.namespace.findUniqueOrThrow({ where: { ownerId: owner.user.id } });
  const rocket = await db.project.create({
    data: { namespaceId: platform.id, name: "Rocket", path: "rocket", fullPath: "acme/platform/rocket", visibility: "private", importType: "bitbucket", importSource: "acme/rocket", creatorId: owner.user.id },
  });
  const site = await db.project.create({ data: { namespaceId: ownerNamespace.id, name: "Site", path: "site", fullPath: "owner/site", visibility: "public" } });

  const [bug, ui] = await Promise.all([
    db.label.create({ data: { projectId: rocket.id, title: "bug", color: "#FF0000" } }),
    db.label.create({ data: { projectId: rocket.id, title: "ui", color: "#EEEEEE" } }),
  ]);
  const milestone = await db.milestone.create({ data: { projectId: rocket.id, iid: 1, title: "v1.0", dueDate: new Date("2026-01-31") } });
  for (let iid = 1; iid <= 25; iid++) {
    await db.issue.create({
      data: {
        projectId: rocket.id,
        iid,
        title: `Issue ${iid}`,
        state: iid % 5 === 0 ? "closed" : "opened",
        authorId: owner.user.id,
        milestoneId: iid <= 3 ? milestone.id : null,
        importedFrom: "bitbucket",
        sourceId: String(iid),
        createdAt: new Date(Date.UTC(2025, 0, iid)),
        labels: { create: iid === 1 ? [{ labelId: bug.id }, { labelId: ui.id }] : iid === 2 ? [{ labelId: bug.id }] : [] },
        ...(iid === 1 ? { assigneeId: developer.user.id, assignees: { create: [{ userId: developer.user.id, position: 0 }, { userId: owner.user.id, position: 1 }] } } : {}),
      },
    });
  }
  const issue1 = await db.issue.findUniqueOrThrow({ where: { projectId_iid: { projectId: rocket.id, iid: 1 } } });
  await db.note.createMany({
    data: [
      { projectId: rocket.id, issueId: issue1.id, discussionId: "d-issue-1", body: "first", authorId: developer.user.id, importedFrom: "bitbucket", createdAt: new Date("2025-02-01") },
      { projectId: rocket.id, issueId: issue1.id, discussionId: "d-issue-2", body: "second", authorId: owner.user.id, importedFrom: "bitbucket", createdAt: new Date("2025-02-02") },
    ],
  });
  const merged = await db.mergeRequest.create({
    data: {
      projectId: rocket.id,
      iid: 1,
      title: "Add abort button",
      state: "merged",
      sourceBranch: "feature/abort",
      targetBranch: "main",
      sourceSha: "a".repeat(40),
      targetSha: "b".repeat(40),
      mergeCommitSha: "c".repeat(40),
      authorId: owner.user.id,
      mergedById: developer.user.id,
      mergedAt: new Date("2025-03-01"),
      importedFrom: "bitbucket",
      assigneeId: developer.user.id,
      milestoneId: milestone.id,
      labels: { create: [{ labelId: ui.id }, { labelId: bug.id }] },
    },
  });
  await db.mergeRequest.create({ data: { projectId: rocket.id, iid: 2, title: "WIP", state: "opened", draft: true, sourceBranch: "wip", targetBranch: "main", authorId: owner.user.id } });
  await db.note.createMany({
    data: [
      {
        projectId: rocket.id,
        mergeRequestId: merged.id,
        discussionId: "thread-1",
        type: "DiffNote",
        body: "Why here?",
        authorId: developer.user.id,
        position: { path: "src/abort.ts", oldLine: null, newLine: 12, baseSha: "b".repeat(40), headSha: "a".repeat(40) },
        importedFrom: "bitbucket",
        createdAt: new Date("2025-02-10"),
      },
      {
        projectId: rocket.id,
        mergeRequestId: merged.id,
        discussionId: "thread-1",
        type: "DiffNote",
        body: "Because.",
        authorId: owner.user.id,
        position: { path: "src/abort.ts", oldLine: null, newLine: 12 },
        importedFrom: "bitbucket",
        createdAt: new Date("2025-02-11"),
      },
      { projectId: rocket.id, mergeRequestId: merged.id, discussionId: "general-1", body: "LGTM", authorId: developer.user.id, importedFrom: "bitbucket", createdAt: new Date("2025-02-12") },
    ],
  });
  await db.approval.createMany({
    data: [
      { mergeRequestId: merged.id, sourceUserId: "{dev}", userId: developer.user.id, sourceUser: { username: "dev", displayName: "Dev" }, approvedAt: new Date("2025-02-20"), importedFrom: "bitbucket" },
      { mergeRequestId: merged.id, sourceUserId: "{carol}", sourceUser: { username: "carol", display_name: "Carol Chen", uuid: "{carol}" }, approvedAt: new Date("2025-02-21"), importedFrom: "bitbucket" },
    ],
  });
  return { owner, developer, stranger, admin, acme, platform, rocket, site };
}

describe("projects", () => {
  it("shows a private project to members of any group above it and admins, and 404 to everyone else", async () => {
    const { developer, stranger, admin, rocket } = await scenario();
    const shown = await get(`/projects/${rocket.id}`, developer.token);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: rocket.id,
      name: "Rocket",
      name_with_namespace: "Acme Corp / Platform / Rocket",
      path_with_namespace: "acme/platform/rocket",
      visibility: "private",
      http_url_to_repo: "http://localhost:3000/acme/platform/rocket.git",
      namespace: { id: rocket.namespaceId, kind: "group", full_path: "acme/platform" },
      import_type: "bitbucket",
      open_issues_count: 20,
      permissions: { group_access: { access_level: 30 } },
    });
    expect((await get(`/projects/${encodeURIComponent("acme/platform/rocket")}`, developer.token)).body).toMatchObject({ id: rocket.id });
    expect((await get(`/projects/${rocket.id}`, admin.token)).status).toBe(200);

    for (const token of [stranger.token, null]) {
      expect(await get(`/projects/${rocket.id}`, token).then(({ status, body }) => ({ status, body }))).toEqual({ status: 404, body: { message: "404 Project Not Found" } });
      expect((await get(`/projects/${encodeURIComponent("acme/platform/rocket")}/issues`, token)).status).toBe(404);
      expect((await get(`/projects/${rocket.id}/merge_requests/1/discussions`, token)).status).toBe(404);
    }
    expect((await get(`/projects/999999`, developer.token)).status).toBe(404);
  });

  it("lists what the caller may read, with membership, owned and search filters", async () => {
    const { owner, developer, stranger, rocket, site } = await scenario();
    const ids = async (query: string, token: string | null) => (await get<{ id: number }[]>(`/projects${query}`, token)).body.map((project) => project.id).sort();
    expect(await ids("", null)).toEqual([site.id]);
    expect(await ids("", stranger.token)).toEqual([site.id]);
    expect(await ids("?membership=true", stranger.token)).toEqual([]);
    expect(await ids("", developer.token)).toEqual([rocket.id, site.id].sort());
    expect(await ids("?membership=true", developer.token)).toEqual([rocket.id]);
    expect(await ids("?owned=true", developer.token)).toEqual([]);
    expect(await ids("?owned=true", owner.token)).toEqual([rocket.id, site.id].sort());
    expect(await ids("?search=ROCK", developer.token)).toEqual([rocket.id]);
    const simple = await get<Record<string, unknown>[]>("/projects?simple=true", null);
    expect(Object.keys(simple.body[0]!)).not.toContain("import_url");
  });

  it("lists everyone with access, with their highest role", async () => {
    const { owner, developer, rocket, site } = await scenario();
    const members = await get<{ username: string; access_level: number }[]>(`/projects/${rocket.id}/members/all`, developer.token);
    expect(members.body.map((member) => [member.username, member.access_level])).toEqual([
      ["owner", 50],
      ["developer", 30],
    ]);
    const siteMembers = await get<{ username: string; access_level: number }[]>(`/projects/${site.id}/members/all`, owner.token);
    expect(siteMembers.body.map((member) => [member.username, member.access_level])).toEqual([["owner", 50]]);
  });
});

describe("issues", () => {
  it("pages through issues with GitLab's headers and filters by state, labels, milestone and iids", async () => {
    const { developer, rocket } = await scenario();
    const first = await get<{ iid: number }[]>(`/projects/${rocket.id}/issues?per_page=10`, developer.token);
    expect(first.body.map((issue) => issue.iid)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(first.headers.get("x-total")).toBe("25");
    expect(first.headers.get("x-total-pages")).toBe("3");
    expect(first.headers.get("x-next-page")).toBe("2");
    expect(first.headers.get("x-prev-page")).toBe("");
    expect(first.headers.get("link")).toContain(`/api/v4/projects/${rocket.id}/issues?per_page=10&page=2>; rel="next"`);

    const iids = async (query: string) => (await get<{ iid: number }[]>(`/projects/${rocket.id}/issues${query}`, developer.token)).body.map((issue) => issue.iid);
    expect(await iids("?state=closed&sort=asc")).toEqual([5, 10, 15, 20, 25]);
    expect(await iids("?labels=bug")).toEqual([2, 1]);
    expect(await iids("?labels=bug,ui")).toEqual([1]);
    expect(await iids("?milestone=v1.0&sort=asc")).toEqual([1, 2, 3]);
    expect(await iids("?labels=Any")).toEqual([2, 1]);
    expect(await iids("?labels=none&milestone=None&state=closed&sort=asc")).toEqual([5, 10, 15, 20, 25]);
    expect(await iids("?iids[]=4&iids[]=7&sort=asc")).toEqual([4, 7]);
    expect((await get(`/projects/${rocket.id}/issues?state=bogus`, developer.token)).body).toEqual({ error: "state is invalid (must be one of: opened, closed, all)" });
  });

  it("shows an issue and its notes as GitLab does, imported ones marked", async () => {
    const { developer, rocket } = await scenario();
    const issue = await get(`/projects/${rocket.id}/issues/1`, developer.token);
    expect(issue.body).toMatchObject({
      iid: 1,
      project_id: rocket.id,
      state: "opened",
      labels: ["bug", "ui"],
      milestone: { title: "v1.0", due_date: "2026-01-31" },
      assignees: [{ username: "developer" }, { username: "owner" }],
      assignee: { username: "developer" },
      author: { username: "owner", name: "Owner" },
      user_notes_count: 2,
      references: { full: "acme/platform/rocket#1" },
      web_url: "http://localhost:3000/acme/platform/rocket/-/issues/1",
      imported: true,
      imported_from: "bitbucket",
    });
    const notes = await get<{ body: string; noteable_type: string; imported: boolean }[]>(`/projects/${rocket.id}/issues/1/notes`, developer.token);
    expect(notes.body.map((note) => note.body)).toEqual(["second", "first"]);
    expect(notes.body[0]).toMatchObject({ noteable_type: "Issue", noteable_iid: 1, imported: true, imported_from: "bitbucket" });
    expect((await get(`/projects/${rocket.id}/issues/99`, developer.token)).body).toEqual({ message: "404 Issue Not Found" });
    expect((await get(`/projects/${rocket.id}/issues/abc`, developer.token)).status).toBe(404);
  });
});

describe("merge requests", () => {
  it("lists and shows merge requests, their diff discussions with positions and their approvals", async () => {
    const { developer, rocket } = await scenario();
    const merged = await get<{ iid: number }[]>(`/projects/${rocket.id}/merge_requests?state=merged`, developer.token);
    expect(merged.body.map((mr) => mr.iid)).toEqual([1]);
    expect((await get<unknown[]>(`/projects/${rocket.id}/merge_requests`, developer.token)).body).toHaveLength(2);

    const mr = await get(`/projects/${rocket.id}/merge_requests/1`, developer.token);
    expect(mr.body).toMatchObject({
      iid: 1,
      state: "merged",
      source_branch: "feature/abort",
      target_branch: "main",
      sha: "a".repeat(40),
      merge_commit_sha: "c".repeat(40),
      merged_by: { username: "developer" },
      labels: ["bug", "ui"],
      milestone: { iid: 1, title: "v1.0" },
      assignees: [{ username: "developer" }],
      assignee: { username: "developer" },
      user_notes_count: 3,
      imported: true,
      imported_from: "bitbucket",
    });

    const discussions = await get<{ id: string; individual_note: boolean; notes: Record<string, unknown>[] }[]>(`/projects/${rocket.id}/merge_requests/1/discussions`, developer.token);
    expect(discussions.body.map((discussion) => [discussion.id, discussion.individual_note, discussion.notes.length])).toEqual([
      ["thread-1", false, 2],
      ["general-1", true, 1],
    ]);
    const position = { base_sha: "b".repeat(40), start_sha: "b".repeat(40), head_sha: "a".repeat(40), old_path: "src/abort.ts", new_path: "src/abort.ts", position_type: "text", old_line: null, new_line: 12, line_range: null };
    expect(discussions.body[0]!.notes[0]).toMatchObject({ type: "DiffNote", body: "Why here?", noteable_type: "MergeRequest", position });
    // A reply stored without shas takes the merge request's.
    expect(discussions.body[0]!.notes[1]).toMatchObject({ position });
    expect(discussions.body[1]!.notes[0]).not.toHaveProperty("position");

    const notes = await get<unknown[]>(`/projects/${rocket.id}/merge_requests/1/notes?sort=asc`, developer.token);
    expect(notes.body).toHaveLength(3);

    const approvals = await get(`/projects/${rocket.id}/merge_requests/1/approvals`, developer.token);
    expect(approvals.body).toMatchObject({
      approved: true,
      approved_by: [{ user: { username: "developer" } }],
      imported_approvals: [
        { user: { username: "developer" }, source_user: { username: "dev" } },
        { user: null, source_user: { username: "carol", name: "Carol Chen", uuid: "{carol}" } },
      ],
    });
    expect((await get(`/projects/${rocket.id}/merge_requests/3`, developer.token)).body).toEqual({ message: "404 Merge Request Not Found" });
    expect((await get(`/projects/${rocket.id}/merge_requests/2`, developer.token)).body).toMatchObject({ labels: [], milestone: null, assignees: [], assignee: null });
  });

  it("filters merge requests by labels and milestone as issues are filtered", async () => {
    const { owner, developer, rocket } = await scenario();
    const bug = await db.label.findUniqueOrThrow({ where: { projectId_title: { projectId: rocket.id, title: "bug" } } });
    await db.mergeRequest.create({
      data: { projectId: rocket.id, iid: 3, title: "Fix crash", state: "opened", sourceBranch: "fix", targetBranch: "main", authorId: owner.user.id, labels: { create: [{ labelId: bug.id }] } },
    });
    const iids = async (query: string) => (await get<{ iid: number }[]>(`/projects/${rocket.id}/merge_requests?sort=asc&${query}`, developer.token)).body.map((mr) => mr.iid);
    expect(await iids("labels=bug")).toEqual([1, 3]);
    expect(await iids("labels=bug,ui")).toEqual([1]);
    expect(await iids("labels=None")).toEqual([2]);
    expect(await iids("labels=any")).toEqual([1, 3]);
    expect(await iids("labels=missing")).toEqual([]);
    expect(await iids("milestone=v1.0")).toEqual([1]);
    expect(await iids("milestone=None")).toEqual([2, 3]);
    expect(await iids("milestone=Any")).toEqual([1]);
    expect(await iids("labels=bug&milestone=None&state=opened")).toEqual([3]);
  });
});

describe("labels and milestones", () => {
  it("lists labels with issue and open merge request counts, and milestones", async () => {
    const { owner, developer, rocket } = await scenario();
    const bug = await db.label.findUniqueOrThrow({ where: { projectId_title: { projectId: rocket.id, title: "bug" } } });
    // The merged merge request carries bug and ui; only opened ones count.
    await db.mergeRequest.create({
      data: { projectId: rocket.id, iid: 3, title: "Fix crash", state: "opened", sourceBranch: "fix", targetBranch: "main", authorId: owner.user.id, labels: { create: [{ labelId: bug.id }] } },
    });
    const labels = await get<Record<string, unknown>[]>(`/projects/${rocket.id}/labels`, developer.token);
    expect(labels.body).toEqual([
      expect.objectContaining({ name: "bug", color: "#FF0000", text_color: "#FFFFFF", open_issues_count: 2, closed_issues_count: 0, open_merge_requests_count: 1 }),
      expect.objectContaining({ name: "ui", color: "#EEEEEE", text_color: "#1F1E24", open_issues_count: 1, open_merge_requests_count: 0 }),
    ]);
    const milestones = await get<Record<string, unknown>[]>(`/projects/${rocket.id}/milestones`, developer.token);
    expect(milestones.body).toEqual([expect.objectContaining({ iid: 1, title: "v1.0", state: "active", due_date: "2026-01-31", project_id: rocket.id })]);
  });
});

describe("users", () => {
  it("shows the caller, finds users by username, and never shows others' email to non-admins", async () => {
    const { developer, owner, admin } = await scenario();
    const me = await get(`/user`, developer.token);
    expect(me.body).toMatchObject({ id: developer.user.number, username: "developer", email: "developer@ferry.test", is_admin: false, identities: [] });
    const found = await get<Record<string, unknown>[]>(`/users?username=OWNER`, developer.token);
    expect(found.body).toEqual([expect.objectContaining({ id: owner.user.number, username: "owner", web_url: "http://localhost:3000/owner" })]);
    expect(found.body[0]).not.toHaveProperty("email");
    expect((await get<Record<string, unknown>[]>(`/users?username=owner`, admin.token)).body[0]).toMatchObject({ email: "owner@ferry.test" });
    expect((await get(`/user`, null)).status).toBe(401);
  });

  it("lets administrators create users linked to a Bitbucket identity; refuses everyone else", async () => {
    const { admin, owner } = await scenario();
    const uuid = "{2d8c6e1a-5f47-4b39-8e2d-0a1c3b5d7e02}";
    const body = { username: "bob", email: "bob@example.com", name: "Bob Brown", password: "correct horse battery", provider: "bitbucket", extern_uid: uuid };
    const created = await callApi("POST", "/users", admin.token, body);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ username: "bob", name: "Bob Brown", email: "bob@example.com", is_admin: false, identities: [{ provider: "bitbucket", extern_uid: uuid }] });
    const bob = await db.user.findUniqueOrThrow({ where: { username: "bob" }, include: { accounts: true, personalNamespace: true } });
    expect(bob.accounts).toEqual([expect.objectContaining({ provider: "bitbucket", providerAccountId: uuid })]);
    expect(bob.personalNamespace?.fullPath).toBe("bob");
    expect(bob.passwordHash).not.toContain("correct horse");

    const again = await callApi("POST", "/users", admin.token, { ...body, username: "bob2", email: "bob2@example.com" });
    expect([again.status, await again.json()]).toEqual([409, { message: "extern_uid has already been taken" }]);
    const taken = await callApi("POST", "/users", admin.token, { ...body, extern_uid: undefined, provider: undefined });
    expect([taken.status, await taken.json()]).toEqual([409, { message: "The username bob is already taken." }]);
    const invalid = await callApi("POST", "/users", admin.token, { username: "eve", email: "not-an-email", name: "Eve", password: "short" });
    expect([invalid.status, await invalid.json()]).toEqual([400, { error: "email is invalid (must be an email address), password is invalid (must be at least 8 characters)" }]);
    expect((await callApi("POST", "/users", admin.token, { ...body, username: "carl", email: "carl@example.com", extern_uid: "not-a-uuid" })).status).toBe(400);

    const forbidden = await callApi("POST", "/users", owner.token, { ...body, username: "mallory", email: "m@example.com", extern_uid: undefined, provider: undefined });
    expect([forbidden.status, await forbidden.json()]).toEqual([403, { message: "403 Forbidden" }]);
    expect(await db.user.count({ where: { username: { in: ["mallory", "eve", "carl", "bob2"] } } })).toBe(0);
  });
});

describe("wikis", () => {
  it("lists the pages a page at a time, reading their content in one batch", async () => {
    const { site } = await scenario();
    const files = Object.fromEntries(Array.from({ length: 400 }, (_, index) => [`Page ${String(index).padStart(3, "0")}.md`, `# Page ${index}\n`]));
    const removeWiki = createWiki(site.id, files);
    try {
      const started = performance.now();
      const first = await get<{ slug: string; content: string }[]>(`/projects/${site.id}/wikis?with_content=true&per_page=100`, null);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(first.status).toBe(200);
      expect(first.headers.get("x-total")).toBe("400");
      expect(first.body).toHaveLength(100);
      expect(first.body[0]).toEqual({ format: "markdown", slug: "Page 000", title: "Page 000", encoding: "UTF-8", content: "# Page 0\n" });
      const last = await get<{ slug: string; content?: string }[]>(`/projects/${site.id}/wikis?page=4&per_page=100`, null);
      expect(last.body.at(-1)).toEqual({ format: "markdown", slug: "Page 399", title: "Page 399", encoding: "UTF-8" });
    } finally {
      removeWiki();
    }
  });
});

describe("namespaces and groups", () => {
  it("lists the namespaces and groups a caller belongs to and hides the others", async () => {
    const { developer, stranger, admin, acme, platform } = await scenario();
    const namespaces = await get<{ full_path: string; kind: string }[]>(`/namespaces`, developer.token);
    expect(namespaces.body.map((namespace) => namespace.full_path).sort()).toEqual(["acme", "acme/platform", "developer"]);
    const groups = await get<Record<string, unknown>[]>(`/groups`, developer.token);
    expect(groups.body).toEqual([
      expect.objectContaining({ id: acme.id, full_path: "acme", full_name: "Acme Corp", parent_id: null }),
      expect.objectContaining({ id: platform.id, full_path: "acme/platform", full_name: "Acme Corp / Platform", parent_id: acme.id }),
    ]);
    expect((await get<unknown[]>(`/groups`, stranger.token)).body).toEqual([]);
    expect((await get(`/groups/${platform.id}`, stranger.token)).body).toEqual({ message: "404 Group Not Found" });
    expect((await get(`/groups/${encodeURIComponent("acme/platform")}`, developer.token)).body).toMatchObject({ id: platform.id });
    expect((await get<unknown[]>(`/groups`, admin.token)).body).toHaveLength(2);
  });

  it("looks groups, projects and users up by exact name in any case: % and _ are not wildcards", async () => {
    const { admin, platform } = await scenario();
    expect((await get(`/groups/${encodeURIComponent("ACME/Platform")}`, admin.token)).body).toMatchObject({ id: platform.id });
    for (const pattern of ["%", "ac_e", "acme/%", "a%"]) {
      expect((await get(`/groups/${encodeURIComponent(pattern)}`, admin.token)).status).toBe(404);
    }
    expect((await get(`/projects/${encodeURIComponent("acme/platform/r_cket")}`, admin.token)).status).toBe(404);
    expect((await get(`/projects/${encodeURIComponent("%/site")}`, admin.token)).status).toBe(404);
    expect((await get(`/projects/${encodeURIComponent("OWNER/Site")}`, admin.token)).status).toBe(200);
    expect((await get<unknown[]>(`/users?username=${encodeURIComponent("o_ner")}`, admin.token)).body).toEqual([]);
    expect((await get<unknown[]>(`/users?username=OWNER`, admin.token)).body).toHaveLength(1);
  });

  it("creates top-level groups and subgroups where the caller may", async () => {
    const { owner, stranger, acme } = await scenario();
    const top = await callApi("POST", "/groups", stranger.token, { name: "Stranger Things", path: "stranger-things" });
    expect(top.status).toBe(201);
    expect(await top.json()).toMatchObject({ name: "Stranger Things", full_path: "stranger-things", parent_id: null });
    const sub = await callApi("POST", "/groups", owner.token, { name: "Tools", path: "tools", parent_id: acme.id });
    expect([sub.status, await sub.json()]).toEqual([201, expect.objectContaining({ full_path: "acme/tools", full_name: "Acme Corp / Tools" })]);
    // Someone who cannot see acme gets a 404 for it; a taken path is refused.
    expect((await callApi("POST", "/groups", stranger.token, { name: "X", path: "x", parent_id: acme.id })).status).toBe(404);
    const taken = await callApi("POST", "/groups", stranger.token, { name: "Owner", path: "owner" });
    expect([taken.status, await taken.json()]).toEqual([400, { message: "Failed to save group: path has already been taken" }]);
    expect((await callApi("POST", "/groups", stranger.token, { name: "Bad", path: "-bad" })).status).toBe(400);
  });

  it("gives a Developer (below Maintainer) 403 for creating a subgroup", async () => {
    const { acme } = await scenario();
    const developer = await db.user.findUniqueOrThrow({ where: { username: "developer" } });
    const { token } = await createPersonalAccessToken(developer.id, { name: "write", scopes: ["api"] });
    const response = await callApi("POST", "/groups", token, { name: "Mine", path: "mine", parent_id: acme.id });
    expect(response.status).toBe(403);
  });
});

describe("routing", () => {
  it("answers unknown paths 404 and unknown methods 405 in GitLab's shape", async () => {
    const { developer } = await scenario();
    const missing = await callApi("GET", "/nothing/here", developer.token);
    expect([missing.status, await missing.json()]).toEqual([404, { error: "404 Not Found" }]);
    const method = await callApi("DELETE", "/projects", developer.token);
    expect([method.status, method.headers.get("allow")]).toEqual([405, "GET"]);
  });
});
