import { beforeEach, describe, expect, it } from "vitest";
import { updateSettings } from "@/lib/settings";
import { resetDatabase } from "@/test/db";
import { createGithubLinkedUser } from "@/test/github";
import { useGithubMockServer } from "@/test/github-msw";
import { githubPicker } from "./github-picker";
import { pickerFor } from "./picker";

useGithubMockServer();
beforeEach(resetDatabase);
const picker = pickerFor(githubPicker);

describe("the GitHub picker's server side", () => {
  it("counts Import all over the same filter and show choice the page applies, and only while GitHub imports are enabled", async () => {
    const alice = await createGithubLinkedUser("alice");
    expect(await picker.previewImportAll(alice, { filter: "NEBULA" })).toMatchObject({ count: 4, alreadyImported: 0 });
    expect(await picker.previewImportAll(alice, { filter: "", params: { show: "owned" } })).toMatchObject({ count: 2 });
    expect(await picker.previewImportAll(alice, { filter: "rocket", params: { show: "org:acme" } })).toMatchObject({ count: 1 });
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: false } });
    await expect(picker.previewImportAll(alice, { filter: "" })).rejects.toMatchObject({ code: "import_source_disabled", status: 403 });
  });
});
