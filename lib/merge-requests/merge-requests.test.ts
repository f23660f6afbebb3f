import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { personName } from "@/lib/users/people";
import { minuteAt, seedProject } from "@/test/projects";
import { getMergeRequest, listMergeRequests, parseMergeRequestState } from "./index";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("getMergeRequest", () => {
  it("includes reviewers, approvals in order, and merged by", async () => {
    const { alice, bob, carol, project } = await seedProject();
    const mergeRequest = await db.mergeRequest.create({
      data: {
        projectId: project.id,
        iid: 7,
        title: "Merge me",
        state: "merged",
        sourceBranch: "feature",
        targetBranch: "main",
        sourceFork: "bob/rocket",
        authorId: alice.id,
        mergedById: carol.id,
        mergedAt: minuteAt(30),
      },
    });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{c}", userId: carol.id, sourceUser: {}, approvedAt: minuteAt(20) } });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{b}", userId: bob.id, sourceUser: {}, approvedAt: minuteAt(10) } });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{d}", sourceUser: { display_name: "Dan Dev" }, approvedAt: minuteAt(25) } });
    await db.mergeRequestReviewer.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{b}", userId: bob.id, sourceUser: {} } });

    const loaded = await getMergeRequest(project.id, 7);
    expect(loaded?.approvals.map((approval) => personName(approval.user, approval.sourceUser))).toEqual(["Bob Brown", "Carol Chen", "Dan Dev"]);
    expect(loaded?.reviewers.map((reviewer) => reviewer.user?.username)).toEqual(["bob"]);
    expect(loaded?.mergedBy?.username).toBe("carol");
    expect(loaded?.sourceFork).toBe("bob/rocket");
    expect(await getMergeRequest(project.id, 8)).toBeNull();
  });
});

describe("merge request list", () => {
  it("filters by opened, merged, closed and all", async () => {
    const { alice, project } = await seedProject();
    const states = ["opened", "merged", "closed", "merged"] as const;
    for (const [index, state] of states.entries()) {
      await db.mergeRequest.create({
        data: { projectId: project.id, iid: index + 1, title: `MR ${index + 1}`, state, sourceBranch: "f", targetBranch: "main", authorId: alice.id, createdAt: minuteAt(index) },
      });
    }
    expect((await listMergeRequests(project.id, { state: "merged", page: 1 })).items.map((mr) => mr.iid)).toEqual([4, 2]);
    expect((await listMergeRequests(project.id, { state: "all", page: 1 })).total).toBe(4);
    expect((await listMergeRequests(project.id, { state: "opened", page: 1 })).items.map((mr) => mr.iid)).toEqual([1]);
  });
});

describe("URL parameters", () => {
  it("parses the state with a safe default", () => {
    expect(parseMergeRequestState("merged")).toBe("merged");
    expect(parseMergeRequestState("nope")).toBe("opened");
  });
});
