import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { execFileSync } from "node:child_process";
import { repositoryPath } from "@/lib/git";
import { useImportedGithubShowcase } from "@/test/github";

const showcase = useImportedGithubShowcase(["bob", "carol"]);

describe("GitHub showcase: repository", () => {
  it("keeps description, visibility, default branch and the pull request heads as merge request heads", async () => {
    const project = await db.project.findUniqueOrThrow({ where: { id: showcase.imported.projectId } });
    expect(project).toMatchObject({ visibility: "private", defaultBranch: "main", importType: "github", importSource: "acme/rocket", hasWiki: true });
    const head = execFileSync("git", ["--git-dir", repositoryPath(project.id), "rev-parse", "--verify", "refs/merge-requests/5/head"], { encoding: "utf8" });
    expect(head.trim()).toMatch(/^[0-9a-f]{40}$/);
  });
});
