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
  "Unknown @{557058:zzzz}; #12 and pull request #5 are linked.",
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
        "Unknown `@{557058:zzzz}`; [#12](https://ferry.example.com/acme/rocket-launcher/-/issues/12) and [pull request #5](https://ferry.example.com/acme/rocket-launcher/-/merge_requests/5) are linked.",
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

  it("converts Creole the way wiki pages are converted, with mentions, commits, references and wiki links", () => {
    const creole = "== Steps ==\n* ask @{557058:aaaa}, see #4 and <<cset 1a2b3c4d>>\n* run the **full** suite, [[Setup Guide]]\n\n{{{\nnvm install 20 #5\n}}}";
    const html = renderMarkdown(convertBody(creole, { ...context, markup: "creole" }), { baseUrl: TARGET });
    expect(html).toContain("<h2>Steps</h2>");
    expect(html).toContain('<li>ask <a href="https://ferry.example.com/alice">@alice</a>, see <a href="https://ferry.example.com/acme/rocket-launcher/-/issues/4">#4</a> and <a href="https://ferry.example.com/acme/rocket-launcher/-/commit/1a2b3c4d">1a2b3c4d</a></li>');
    expect(html).toContain('<li>run the <strong>full</strong> suite, <a href="https://ferry.example.com/acme/rocket-launcher/-/wikis/Setup%20Guide">Setup Guide</a></li>');
    expect(html).toContain("<pre><code>nvm install 20 #5\n</code></pre>");
  });

  it("shows plain text as written, line breaks kept, references and URLs linked", () => {
    const plain = "Steps: **not bold** <b>\nsee issue #4 at https://bitbucket.org/acme/rocket-launcher/issues/4\n\n# not a heading";
    const html = renderMarkdown(convertBody(plain, { ...context, markup: "plaintext" }), { baseUrl: TARGET });
    expect(html).toContain('<p>Steps: **not bold** &lt;b&gt;<br />\nsee <a href="https://ferry.example.com/acme/rocket-launcher/-/issues/4">issue #4</a> at <a href="https://ferry.example.com/acme/rocket-launcher/-/issues/4">');
    expect(html).toContain("<p># not a heading</p>");
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
