import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { convertBody, type ConvertBodyContext } from "./index";
import type { MentionTarget } from "./mentions";

const SOURCE = "https://bitbucket.org/acme/rocket-launcher";
const TARGET = "https://ferry.example.com/acme/rocket-launcher";
const users: Record<string, MentionTarget> = {
  "557058:aaaa": { username: "alice", profileUrl: "https://ferry.example.com/alice" },
  "557058:dddd": { displayName: "Dan Dawson" },
};
const context: ConvertBodyContext = {
  sourceRepositoryUrl: SOURCE,
  targetProjectUrl: TARGET,
  resolveMention: (id) => users[id] ?? null,
};

const sample = [
  "@{557058:aaaa} see https://bitbucket.org/acme/rocket-launcher/issues/3, and ask @{557058:dddd}.",
  "",
  "Fixed by [PR 5](https://bitbucket.org/acme/rocket-launcher/pull-requests/5/diff#comment-7) → <<cset 1a2b3c4d5e6f>>",
  "",
  "Code: `@{557058:aaaa} https://bitbucket.org/acme/rocket-launcher/issues/4`",
  "",
  "    #!python",
  "    print('https://bitbucket.org/acme/rocket-launcher/issues/5 @{557058:aaaa}')",
  "",
  "Unknown @{557058:zzzz}; #12 and pull request #5 stay as written.",
].join("\n");

describe("convertBody", () => {
  it("converts mentions, changesets, references and language hints, leaving code literal", () => {
    expect(convertBody(sample, context)).toBe(
      [
        "[@alice](https://ferry.example.com/alice) see https://ferry.example.com/acme/rocket-launcher/-/issues/3, and ask Dan Dawson.",
        "",
        "Fixed by [PR 5](https://ferry.example.com/acme/rocket-launcher/-/merge_requests/5/diffs#source-note-7) → [1a2b3c4d5e6f](https://ferry.example.com/acme/rocket-launcher/-/commit/1a2b3c4d5e6f)",
        "",
        "Code: `@{557058:aaaa} https://bitbucket.org/acme/rocket-launcher/issues/4`",
        "",
        "```python",
        "print('https://bitbucket.org/acme/rocket-launcher/issues/5 @{557058:aaaa}')",
        "```",
        "",
        "Unknown `@{557058:zzzz}`; #12 and pull request #5 stay as written.",
      ].join("\n"),
    );
  });

  it("is idempotent", () => {
    const once = convertBody(sample, context);
    expect(convertBody(once, context)).toBe(once);
  });

  it("renders to working Ferry links", () => {
    const html = renderMarkdown(convertBody(sample, context), { baseUrl: TARGET });
    expect(html).toContain('<a href="https://ferry.example.com/alice">@alice</a>');
    expect(html).toContain('<a href="https://ferry.example.com/acme/rocket-launcher/-/issues/3">https://ferry.example.com/acme/rocket-launcher/-/issues/3</a>');
    expect(html).toContain('<a href="https://ferry.example.com/acme/rocket-launcher/-/merge_requests/5/diffs#source-note-7">PR 5</a>');
    expect(html).toContain('<code class="language-python">');
    expect(html).not.toContain('href="https://bitbucket.org');
  });

  it("treats empty text as empty", () => {
    expect(convertBody("", context)).toBe("");
  });

  it("converts about 1 MB of text well under a second", () => {
    const chunk = [
      "Paragraph with https://bitbucket.org/acme/rocket-launcher/issues/3 and @{557058:aaaa} and `code https://x`.",
      "A [link](https://bitbucket.org/acme/rocket-launcher/src/main/a.ts#lines-1:2) and <<cset 1a2b3c4d>> and https://example.com/x.",
      "",
      "```",
      "https://bitbucket.org/acme/rocket-launcher/issues/4 @{557058:aaaa}",
      "```",
      "",
    ].join("\n");
    const text = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
    expect(text.length).toBeGreaterThanOrEqual(1_000_000);
    convertBody(chunk, context); // warm up
    const start = performance.now();
    const out = convertBody(text, context);
    const elapsed = performance.now() - start;
    expect(out).not.toContain("https://bitbucket.org/acme/rocket-launcher/issues/3");
    expect(out).toContain("https://bitbucket.org/acme/rocket-launcher/issues/4");
    expect(elapsed).toBeLessThan(1000);
  });

  it("stays fast on adversarial input: one huge line of URL-ish text and backticks", () => {
    const text = [
      "https://bitbucket.org/acme/rocket-launcher/issues/1)".repeat(10_000),
      `https://bitbucket.org/acme/rocket-launcher/issues/1${")".repeat(200_000)}`,
      "`a ".repeat(100_000),
      "@{".repeat(100_000),
    ].join(" ");
    const start = performance.now();
    convertBody(text, context);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
