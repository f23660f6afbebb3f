import { describe, expect, it } from "vitest";
import { escapeHtml, renderMarkdown, renderPlainText } from "./index";

type Tag = { name: string; attributes: Record<string, string> };

/** Opening tags in sanitize-html's output (which always double-quotes attribute values). */
function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const match of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[2]!.matchAll(/\s+([^\s=>/]+)(?:="([^"]*)")?/g)) attributes[attribute[1]!.toLowerCase()] = attribute[2] ?? "";
    out.push({ name: match[1]!.toLowerCase(), attributes });
  }
  return out;
}

const ALLOWED_TAGS = new Set([
  "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code",
  "em", "strong", "s", "del", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
]);

/** Every tag allowed, no event handlers or styles, and every URL attribute with a safe scheme. */
function expectSafe(html: string): void {
  for (const tag of tags(html)) {
    expect(ALLOWED_TAGS.has(tag.name), `tag <${tag.name}> in ${html}`).toBe(true);
    for (const [name, value] of Object.entries(tag.attributes)) {
      expect(name.startsWith("on"), `attribute ${name} in ${html}`).toBe(false);
      expect(["style", "id", "srcset", "formaction", "xlink:href"]).not.toContain(name);
      if (name === "href" || name === "src") {
        const decoded = value.replace(/&amp;/g, "&").replace(/[\u0000-\u0020]/g, "").toLowerCase();
        expect(decoded, `${name} in ${html}`).toMatch(/^(https?:|mailto:|[^:]*$|[^:]*[/?#])/);
        expect(decoded).not.toMatch(/^(javascript|vbscript|data|file):/);
        expect(decoded).not.toMatch(/^[/\\]{2}/);
      }
    }
  }
  expect(html).not.toMatch(/<(script|iframe|object|embed|form|input|style|svg|math|base|meta|link)\b/i);
}

describe("renderMarkdown: XSS", () => {
  const vectors = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    '<form action="https://evil.example"><input name=x></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "javascript:alert(1)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.com/a.png)',
    '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
    '[x](https://example.com/"onmouseover="alert(1))',
    "[[x](javascript:alert(1))](https://example.com)",
    "[x](https://example.com)[y](javascript:alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x](//evil.example/path)",
    "[x](/\\evil.example/path)",
    "```\n</code></pre><script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "`<img src=x onerror=alert(1)>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| [x](javascript:alert(1)) | d |",
  ];

  it.each(vectors)("neutralises %s", (source) => {
    const html = renderMarkdown(source);
    expectSafe(html);
  });

  it.each([
    ["escapes raw HTML instead of dropping it", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"],
    ["escapes raw HTML attributes as text", '<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>\n'],
    ["keeps the text of refused links", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"],
    ["keeps the text of refused autolinks", "<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"],
    ["drops images whose source is refused", "a ![x](mailto:a@example.com) b", "<p>a  b</p>\n"],
    ["escapes named-entity HTML as text", "&lt;script&gt;", "<p>&lt;script&gt;</p>\n"],
    ["escapes numeric-entity HTML as text", "&#60;script&#62;", "<p>&lt;script&gt;</p>\n"],
  ])("%s", (_rule, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });

  it("drops data: images", () => {
    expect(renderMarkdown("![x](data:image/png;base64,iVBORw0KGgo=)")).not.toContain("<img");
  });

  it("keeps attribute-breaking titles inside the attribute", () => {
    const html = renderMarkdown('[x](https://example.com "a\\" onmouseover=\\"alert(1)")');
    const [link] = tags(html).filter((tag) => tag.name === "a");
    expect(Object.keys(link!.attributes).sort()).toEqual(["href", "rel", "title"]);
  });
});

describe("renderMarkdown: markdown", () => {
  it("renders code blocks with a language class, and without one", () => {
    expect(renderMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>\n');
    expect(renderMarkdown("```c++ {.numbered}\nx\n```")).toBe('<pre><code class="language-c++">x\n</code></pre>\n');
    expect(renderMarkdown("```\nx\n```")).toBe("<pre><code>x\n</code></pre>\n");
    expect(renderMarkdown("    indented")).toBe("<pre><code>indented\n</code></pre>\n");
    expect(renderMarkdown("```weird\"lang\nx\n```")).toBe("<pre><code>x\n</code></pre>\n");
  });

  it("renders tables with alignment as align attributes, not styles", () => {
    const html = renderMarkdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |");
    expect(html).toContain('<th align="left">a</th>');
    expect(html).toContain('<th align="center">b</th>');
    expect(html).toContain('<td align="right">3</td>');
    expect(html).not.toContain("style");
    expectSafe(html);
  });

  it("renders strikethrough, emphasis, headings, lists, quotes and rules", () => {
    expect(renderMarkdown("~~gone~~ *em* **strong**")).toBe("<p><s>gone</s> <em>em</em> <strong>strong</strong></p>\n");
    expect(renderMarkdown("## Title")).toBe("<h2>Title</h2>\n");
    expect(renderMarkdown("3. c\n4. d")).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n');
    expect(renderMarkdown("> quote\n\n---")).toBe("<blockquote>\n<p>quote</p>\n</blockquote>\n<hr />\n");
  });

  it("does not use typographic replacements or newline breaks", () => {
    expect(renderMarkdown('"quotes" -- (c) ...\nnext')).toBe('<p>"quotes" -- (c) ...\nnext</p>\n');
  });

  it("links bare URLs and e-mail addresses, external ones with rel", () => {
    expect(renderMarkdown("see https://example.com/x.")).toBe(
      '<p>see <a href="https://example.com/x" rel="nofollow noopener noreferrer">https://example.com/x</a>.</p>\n',
    );
    expect(renderMarkdown("www.example.com")).toContain('href="http://www.example.com" rel="nofollow noopener noreferrer"');
    expect(renderMarkdown("mail a@example.com")).toContain('href="mailto:a@example.com"');
  });

  it("adds lazy loading to images and keeps alt text", () => {
    expect(renderMarkdown("![a diagram](https://example.com/d.png \"Title\")")).toBe(
      '<p><img src="https://example.com/d.png" alt="a diagram" title="Title" loading="lazy" /></p>\n',
    );
  });

  it("leaves relative URLs as written without a base URL, and gives them no rel", () => {
    expect(renderMarkdown("[doc](docs/a.md) [top](/acme/app) [here](#intro)")).toBe(
      '<p><a href="docs/a.md">doc</a> <a href="/acme/app">top</a> <a href="#intro">here</a></p>\n',
    );
  });

  it("resolves relative links and images against an absolute base URL", () => {
    const html = renderMarkdown("[doc](docs/a.md) [up](../b.md) [root](/c) [here](#intro) ![i](img/x.png) [ext](https://example.com)", {
      baseUrl: "https://ferry.example.com/acme/app/-/blob/main/guide/",
    });
    expect(html).toContain('<a href="https://ferry.example.com/acme/app/-/blob/main/guide/docs/a.md">doc</a>');
    expect(html).toContain('<a href="https://ferry.example.com/acme/app/-/blob/main/b.md">up</a>');
    expect(html).toContain('<a href="https://ferry.example.com/c">root</a>');
    expect(html).toContain('<a href="#intro">here</a>');
    expect(html).toContain('<img src="https://ferry.example.com/acme/app/-/blob/main/guide/img/x.png" alt="i" loading="lazy" />');
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer">ext</a>');
  });

  it("resolves against a root-relative base URL, keeping links root-relative", () => {
    expect(renderMarkdown("[doc](docs/a.md)", { baseUrl: "/acme/app/-/blob/main/" })).toBe('<p><a href="/acme/app/-/blob/main/docs/a.md">doc</a></p>\n');
  });

  it("treats links to the base URL's origin as internal", () => {
    const html = renderMarkdown("https://ferry.example.com/acme/app/-/issues/1", { baseUrl: "https://ferry.example.com/acme/app" });
    expect(html).toBe('<p><a href="https://ferry.example.com/acme/app/-/issues/1">https://ferry.example.com/acme/app/-/issues/1</a></p>\n');
  });

  it("renders nothing for empty input", () => {
    expect(renderMarkdown("")).toBe("");
  });

  it("renders long text in reasonable time", () => {
    // About 1 MB of markdown renders in roughly a second warm; 250 kB keeps the test fast and robust.
    const text = "Some *text* with https://example.com/x and `code`.\n\n```js\nlet x = 1;\n```\n\n".repeat(3_500);
    const start = performance.now();
    renderMarkdown(text);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});

describe("renderPlainText and escapeHtml", () => {
  it("escapes and preformats", () => {
    expect(renderPlainText("<b>a</b> & 'b'\n  \"c\"")).toBe('<pre class="plain-text">&lt;b&gt;a&lt;/b&gt; &amp; &#39;b&#39;\n  &quot;c&quot;</pre>');
    expect(escapeHtml("<>&\"'")).toBe("&lt;&gt;&amp;&quot;&#39;");
  });
});
