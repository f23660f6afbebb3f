import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { creoleToMarkdown, markupToMarkdown } from "./creole";

const render = (source: string) => renderMarkdown(creoleToMarkdown(source), { baseUrl: "/acme/app/-/wikis/" });

describe("Creole wiki pages", () => {
  it("renders headings, emphasis, monospace and line breaks", () => {
    const html = render("= Title =\n== Sub ==\nSome **bold** and //italic// and ##mono## text\\\\next line");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<h2>Sub</h2>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>italic</em>");
    expect(html).toContain("<code>mono</code>");
    expect(html).toMatch(/text<br ?\/?>\s*next line/);
  });

  it("links wiki pages relative to the page, external links and free URLs", () => {
    const html = render("See [[Setup Guide]], [[docs/Deep Page|the deep page]], [[https://example.com/x|Example]] and http://example.org/a.");
    expect(html).toContain('<a href="/acme/app/-/wikis/Setup%20Guide">Setup Guide</a>');
    expect(html).toContain('<a href="/acme/app/-/wikis/docs/Deep%20Page">the deep page</a>');
    expect(html).toMatch(/<a href="https:\/\/example\.com\/x" rel="nofollow noopener noreferrer">Example<\/a>/);
    expect(html).toMatch(/<a href="http:\/\/example\.org\/a"[^>]*>http:\/\/example\.org\/a<\/a>\./);
  });

  it("renders nested lists, tables, rules and nowiki blocks", () => {
    const html = render("* one\n** one.one\n* two\n# first\n# second\n\n----\n|= Name |= Value |\n| a | [[b|B]] |\n\n{{{\n**not bold** <b>\n}}}");
    expect(html).toMatch(/<ul>\s*<li>one\s*<ul>\s*<li>one\.one<\/li>/);
    expect(html).toMatch(/<ol>\s*<li>first<\/li>\s*<li>second<\/li>/);
    expect(html).toContain("<hr");
    expect(html).toMatch(/<th>Name<\/th>\s*<th>Value<\/th>/);
    expect(html).toContain('<td><a href="/acme/app/-/wikis/b">B</a></td>');
    expect(html).toContain("<pre><code>**not bold** &lt;b&gt;\n</code></pre>");
  });

  it("shows markup characters and HTML as written, and never produces unsafe links", () => {
    const html = render("<script>alert(1)</script> [[javascript:alert(1)|click]] {{javascript:x|img}} 1. not a list _under_ `tick` ~**escaped~**");
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).not.toMatch(/src="javascript/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("_under_");
    expect(html).toContain("**escaped**");
  });

  it("closes formatting left open at the end of a paragraph", () => {
    expect(render("**bold to the end\n\nnext")).toMatch(/<p><strong>bold to the end<\/strong><\/p>\s*<p>next<\/p>/);
  });
});

describe("markdown wiki pages", () => {
  const renderPage = (source: string) => renderMarkdown(markupToMarkdown(source, "markdown", { wikiLinks: true }), { baseUrl: "/acme/app/-/wikis/docs/" });

  it("resolve Bitbucket's wiki links to pages next to the page, with an optional label", () => {
    const html = renderPage("Read the [[Setup Guide]] and [[Legacy Notes|the old notes]], not `[[code]]`.");
    expect(html).toBe(
      '<p>Read the <a href="/acme/app/-/wikis/docs/Setup%20Guide">Setup Guide</a> and <a href="/acme/app/-/wikis/docs/Legacy%20Notes">the old notes</a>, not <code>[[code]]</code>.</p>\n',
    );
  });

  it("link references to issues and merge requests of the project, in Markdown and Creole pages alike", () => {
    const options = { wikiLinks: true, projectUrl: "/acme/app" };
    expect(renderMarkdown(markupToMarkdown("Tracked in issue #3 and !2, not `#4`.", "markdown", options))).toBe(
      '<p>Tracked in <a href="/acme/app/-/issues/3">issue #3</a> and <a href="/acme/app/-/merge_requests/2">!2</a>, not <code>#4</code>.</p>\n',
    );
    expect(renderMarkdown(markupToMarkdown("See **#3** and {{{#4}}}.", "creole", options))).toBe(
      '<p>See <strong><a href="/acme/app/-/issues/3">#3</a></strong> and <code>#4</code>.</p>\n',
    );
  });

  it("leave markdown without wiki links as it is, and take linear time on unclosed ones", () => {
    expect(markupToMarkdown("[a](b) [[x\ny]]", "markdown", { wikiLinks: true })).toBe("[a](b) [[x\ny]]");
    const source = `${"[[a|".repeat(200_000)}${"[[".repeat(200_000)}`;
    const start = performance.now();
    markupToMarkdown(source, "markdown", { wikiLinks: true });
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe("Creole rendering cost", () => {
  const MiB = 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
  const adversarial: Record<string, string> = {
    "a heading with a long run of spaces": `=x${" ".repeat(MiB - 3)}y`,
    "a heading of equals signs and spaces": fill("= "),
    "unclosed links": fill("[["),
    "unclosed images": fill("{{"),
    "unclosed nowiki": fill("{{{"),
    "nowiki closers followed by braces": `{{{${fill("}")}`,
    "escapes and formatting markers": fill("~**//##\\\\"),
    "free URLs ending in punctuation": fill("http://.,"),
    "deep list markers": `* a\n${fill("*#")}`,
    "table cells with unclosed links": fill("|[["),
    "one line per character": fill("[[\n"),
  };

  for (const [name, source] of Object.entries(adversarial)) {
    // Linear work: the conversion takes well under a second, the markdown renderer (linear too) a few more for the 2 MiB it gets; the budgets leave room for a busy machine.
    it(`converts 1 MiB of ${name} within a second and renders it within ten`, () => {
      const started = performance.now();
      const markdown = creoleToMarkdown(source);
      const converted = performance.now();
      const html = renderMarkdown(markdown, { baseUrl: "/acme/app/-/wikis/" });
      const rendered = performance.now();
      expect(html.length).toBeGreaterThan(0);
      expect(converted - started).toBeLessThan(1000);
      expect(rendered - started).toBeLessThan(10_000);
    });
  }
});
