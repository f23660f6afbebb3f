import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { showcaseExpectations } from "../mocks/bitbucket/showcase.ts";
import { importShowcaseInto } from "./destination";

/**
 * Screenshots of the pages people reach after an import, at 1280 and 390 px, written to
 * docs/screenshots/ for the README. Run with `npm run screenshots`.
 */

const expected = showcaseExpectations();
const GROUP = "rockets";
const STATE = path.join(tmpdir(), `ferry-screens-${randomUUID()}.json`);
const OUTPUT = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

test.use({ storageState: STATE });

let projectPath = "";

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  projectPath = await importShowcaseInto(browser, GROUP, STATE);
});

test("dashboard, group, file and merge request changes", async ({ page }) => {
  const withInline = expected.pullRequests.filter((pr) => pr.inlineComments > 0).at(-1)!;
  const shots = [
    { name: "dashboard", url: "/", ready: page.getByTestId("dashboard") },
    { name: "group", url: `/${GROUP}`, ready: page.getByTestId("group-page") },
    { name: "blob", url: `/${projectPath}/-/blob/${expected.mainbranch}/src/sequencer.ts#L5`, ready: page.getByTestId("code") },
    { name: "merge-request-changes", url: `/${projectPath}/-/merge_requests/${withInline.id}/diffs`, ready: page.getByTestId("diff-discussion").first() },
  ];
  for (const viewport of WIDTHS) {
    await page.setViewportSize(viewport);
    for (const shot of shots) {
      await page.goto(shot.url);
      await expect(shot.ready).toBeVisible();
      await page.screenshot({ path: path.join(OUTPUT, `${shot.name}-${viewport.width}.png`) });
    }
  }
});
