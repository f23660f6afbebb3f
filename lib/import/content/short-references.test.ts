import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { linkShortReferencesInProse } from "./short-references";

const TARGET = "/acme/app";
const link = (prose: string) => linkShortReferencesInProse(prose, TARGET);

describe("short references", () => {
  it("links issue and pull request numbers as Bitbucket and GitLab write them", () => {
    expect(link("See #4. Closes #2, fixes issue #7 (and !3); pull request #5 too.")).toBe(
      "See [#4](/acme/app/-/issues/4). Closes [#2](/acme/app/-/issues/2), fixes [issue #7](/acme/app/-/issues/7) (and [!3](/acme/app/-/merge_requests/3)); [pull request #5](/acme/app/-/merge_requests/5) too.",
    );
    expect(link("Issue #9 and Pull Request #10")).toBe("[Issue #9](/acme/app/-/issues/9) and [Pull Request #10](/acme/app/-/merge_requests/10)");
  });

  it("leaves what only looks like a reference", () => {
    for (const text of ["abc#4", "https://x.test/#4", "&#4;", "\\#4", "#4a", "C#7", "issue !3", "![img](a.png)", "#", "!"]) {
      expect(link(text), text).toBe(text);
    }
  });

  it("never links inside link text, and converting twice changes nothing", () => {
    expect(link("[see #4](https://x.test)")).toBe("[see #4](https://x.test)");
    const once = link("#4, issue #5 and !6");
    expect(link(once)).toBe(once);
  });

  it("renders links that navigate to the issue and merge request", () => {
    const html = renderMarkdown(link("Closes #2 after !3"), { baseUrl: "/acme/app/-/issues/1" });
    expect(html).toBe('<p>Closes <a href="/acme/app/-/issues/2">#2</a> after <a href="/acme/app/-/merge_requests/3">!3</a></p>\n');
  });

  it("takes linear time on adversarial input", () => {
    const text = ["#1".repeat(200_000), "issue ".repeat(100_000), "[#1 ".repeat(100_000), "!".repeat(200_000)].join(" ");
    const start = performance.now();
    link(text);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
