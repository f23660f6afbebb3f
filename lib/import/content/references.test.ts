import { describe, expect, it } from "vitest";
import { createUrlRewriter, rewriteReferences, sourceNoteAnchor } from "./references";

const SOURCE = "https://bitbucket.org/acme/rocket-launcher";
const TARGET = "https://ferry.example.com/acme/rocket-launcher";
const options = { sourceRepositoryUrl: SOURCE, targetProjectUrl: TARGET };
const rewrite = (text: string) => rewriteReferences(text, options);
const url = (path: string) => createUrlRewriter(options)(`${SOURCE}${path}`);

describe("createUrlRewriter: the URL mapping", () => {
  it.each([
    ["", TARGET],
    ["/", TARGET],
    ["/issues", `${TARGET}/-/issues`],
    ["/issues/3", `${TARGET}/-/issues/3`],
    ["/issues/3/", `${TARGET}/-/issues/3`],
    ["/issues/3/crash-on-start", `${TARGET}/-/issues/3`],
    ["/issues/3#comment-12345", `${TARGET}/-/issues/3#source-note-12345`],
    ["/pull-requests", `${TARGET}/-/merge_requests`],
    ["/pull-requests/5", `${TARGET}/-/merge_requests/5`],
    ["/pull-requests/5/diff", `${TARGET}/-/merge_requests/5/diffs`],
    ["/pull-requests/5/fix-the-thing/diff", `${TARGET}/-/merge_requests/5/diffs`],
    ["/pull-requests/5/commits", `${TARGET}/-/merge_requests/5/commits`],
    ["/pull-requests/5/activity", `${TARGET}/-/merge_requests/5`],
    ["/pull-requests/5#comment-7", `${TARGET}/-/merge_requests/5#source-note-7`],
    ["/pull-requests/5/diff#comment-7", `${TARGET}/-/merge_requests/5/diffs#source-note-7`],
    ["/pull-requests/5/diff#chg-src/app.ts", `${TARGET}/-/merge_requests/5/diffs`],
    ["/src/main/src/app.ts", `${TARGET}/-/blob/main/src/app.ts`],
    ["/src/main/src/app.ts#lines-5", `${TARGET}/-/blob/main/src/app.ts#L5`],
    ["/src/main/src/app.ts#lines-5:9", `${TARGET}/-/blob/main/src/app.ts#L5-9`],
    ["/src/main/src/app.ts#lines-5:5", `${TARGET}/-/blob/main/src/app.ts#L5`],
    ["/src/0a1b2c3d4e5f/README.md?at=main&fileviewer=file-view-default", `${TARGET}/-/blob/0a1b2c3d4e5f/README.md`],
    ["/src/main/README.md#markdown-header-install", `${TARGET}/-/blob/main/README.md#install`],
    ["#markdown-header-install", `${TARGET}#install`],
    ["/src/main/", `${TARGET}/-/tree/main`],
    ["/src/main", `${TARGET}/-/tree/main`],
    ["/src/main/lib/", `${TARGET}/-/tree/main/lib`],
    ["/src", TARGET],
    ["/raw/main/docs/diagram.png", `${TARGET}/-/raw/main/docs/diagram.png`],
    ["/commits", `${TARGET}/-/commits`],
    ["/commits/0123abcd", `${TARGET}/-/commit/0123abcd`],
    ["/commits/0123456789abcdef0123456789abcdef01234567", `${TARGET}/-/commit/0123456789abcdef0123456789abcdef01234567`],
    ["/commits/branch/release/2.0", `${TARGET}/-/commits/release/2.0`],
    ["/commits/tag/v1.0", `${TARGET}/-/commits/v1.0`],
    ["/branch/main", `${TARGET}/-/tree/main`],
    ["/branch/feature/login", `${TARGET}/-/tree/feature/login`],
    ["/?at=main", TARGET],
  ])("%s → %s", (path, expected) => {
    expect(url(path)).toBe(expected);
  });

  it.each([
    "/downloads",
    "/downloads/",
    "/wiki/Home",
    "/issues/new",
    "/issues/abc",
    "/pull-requests/new",
    "/commits/not-a-sha",
    "/branch",
    "/admin",
    ".git",
  ])("leaves %s (no Ferry counterpart) unchanged", (path) => {
    expect(url(path)).toBeNull();
  });

  it("matches workspace and slug case-insensitively, and http or www variants of the host", () => {
    const rewriter = createUrlRewriter(options);
    expect(rewriter("https://bitbucket.org/ACME/Rocket-Launcher/issues/3")).toBe(`${TARGET}/-/issues/3`);
    expect(rewriter("http://bitbucket.org/acme/rocket-launcher/issues/3")).toBe(`${TARGET}/-/issues/3`);
    expect(rewriter("https://www.bitbucket.org/acme/rocket-launcher/issues/3")).toBe(`${TARGET}/-/issues/3`);
    expect(rewriter("https://BITBUCKET.ORG/acme/rocket-launcher/issues/3")).toBe(`${TARGET}/-/issues/3`);
  });

  it("does not match other repositories, other hosts, or paths that escape the repository", () => {
    const rewriter = createUrlRewriter(options);
    expect(rewriter("https://bitbucket.org/acme/rocket-launcher-experiments/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org/acme/rocket/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org/acme-labs/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org/acme")).toBeNull();
    expect(rewriter("https://gitlab.com/acme/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org.evil.com/acme/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("https://api.bitbucket.org/2.0/repositories/acme/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org:8443/acme/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("https://bitbucket.org/acme/rocket-launcher/../other/issues/1")).toBeNull();
    expect(rewriter("ftp://bitbucket.org/acme/rocket-launcher/issues/1")).toBeNull();
    expect(rewriter("not a url")).toBeNull();
  });

  it("works with the sandbox's origin and a root-relative target", () => {
    const rewriter = createUrlRewriter({ sourceRepositoryUrl: "http://localhost:4010/acme/rocket-launcher/", targetProjectUrl: "/acme/rocket-launcher/" });
    expect(rewriter("http://localhost:4010/acme/rocket-launcher/issues/2")).toBe("/acme/rocket-launcher/-/issues/2");
    expect(rewriter("http://localhost:4011/acme/rocket-launcher/issues/2")).toBeNull();
    expect(rewriter("https://bitbucket.org/acme/rocket-launcher/issues/2")).toBeNull();
  });

  it("rejects options that are not URLs", () => {
    expect(() => createUrlRewriter({ sourceRepositoryUrl: "bitbucket.org/acme/x", targetProjectUrl: TARGET })).toThrow(/sourceRepositoryUrl/);
    expect(() => createUrlRewriter({ sourceRepositoryUrl: "https://bitbucket.org/", targetProjectUrl: TARGET })).toThrow(/repository path/);
    expect(() => createUrlRewriter({ sourceRepositoryUrl: SOURCE, targetProjectUrl: "javascript:alert(1)" })).toThrow(/targetProjectUrl/);
    expect(() => createUrlRewriter({ sourceRepositoryUrl: SOURCE, targetProjectUrl: "//evil.example/x" })).toThrow(/targetProjectUrl/);
  });

  it("exposes the anchor format for imported notes", () => {
    expect(sourceNoteAnchor(7)).toBe("source-note-7");
  });
});

describe("rewriteReferences: finding URLs in markdown", () => {
  it("rewrites bare URLs and leaves trailing sentence punctuation outside", () => {
    expect(rewrite(`See ${SOURCE}/issues/3.`)).toBe(`See ${TARGET}/-/issues/3.`);
    expect(rewrite(`Fixed in ${SOURCE}/pull-requests/5, thanks!`)).toBe(`Fixed in ${TARGET}/-/merge_requests/5, thanks!`);
    expect(rewrite(`Wow ${SOURCE}/issues/3!`)).toBe(`Wow ${TARGET}/-/issues/3!`);
    expect(rewrite(`Really ${SOURCE}/issues/3?`)).toBe(`Really ${TARGET}/-/issues/3?`);
    expect(rewrite(`(see ${SOURCE}/issues/3)`)).toBe(`(see ${TARGET}/-/issues/3)`);
    expect(rewrite(`(see ${SOURCE}/issues/3).`)).toBe(`(see ${TARGET}/-/issues/3).`);
    expect(rewrite(`"${SOURCE}/issues/3"`)).toBe(`"${TARGET}/-/issues/3"`);
    expect(rewrite(`'${SOURCE}/issues/3'`)).toBe(`'${TARGET}/-/issues/3'`);
    expect(rewrite(`**${SOURCE}/issues/3**`)).toBe(`**${TARGET}/-/issues/3**`);
    expect(rewrite(`_${SOURCE}/issues/3_`)).toBe(`_${TARGET}/-/issues/3_`);
  });

  it("keeps balanced parentheses that belong to a URL", () => {
    expect(rewrite(`${SOURCE}/src/main/docs/a(b).md`)).toBe(`${TARGET}/-/blob/main/docs/a(b).md`);
    expect(rewrite(`[spec](${SOURCE}/src/main/docs/a(b).md)`)).toBe(`[spec](${TARGET}/-/blob/main/docs/a(b).md)`);
  });

  it("rewrites autolinks", () => {
    expect(rewrite(`<${SOURCE}/issues/3>`)).toBe(`<${TARGET}/-/issues/3>`);
    expect(rewrite(`<${SOURCE}/commits/0123abcd>.`)).toBe(`<${TARGET}/-/commit/0123abcd>.`);
  });

  it("rewrites link and image destinations, keeping titles", () => {
    expect(rewrite(`[the bug](${SOURCE}/issues/3)`)).toBe(`[the bug](${TARGET}/-/issues/3)`);
    expect(rewrite(`[the bug](${SOURCE}/issues/3 "Issue 3")`)).toBe(`[the bug](${TARGET}/-/issues/3 "Issue 3")`);
    expect(rewrite(`[the bug](<${SOURCE}/issues/3>)`)).toBe(`[the bug](<${TARGET}/-/issues/3>)`);
    expect(rewrite(`![diagram](${SOURCE}/raw/main/docs/d.png)`)).toBe(`![diagram](${TARGET}/-/raw/main/docs/d.png)`);
    expect(rewrite(`[1]: ${SOURCE}/issues/3\n\nSee [the bug][1].`)).toBe(`[1]: ${TARGET}/-/issues/3\n\nSee [the bug][1].`);
  });

  it("rewrites a URL used as link text as well as the destination, and only what matches", () => {
    expect(rewrite(`[${SOURCE}/issues/3](${SOURCE}/issues/3)`)).toBe(`[${TARGET}/-/issues/3](${TARGET}/-/issues/3)`);
    expect(rewrite(`[${SOURCE}/issues/3](https://example.com/x)`)).toBe(`[${TARGET}/-/issues/3](https://example.com/x)`);
    expect(rewrite(`[rocket-launcher issue 3](https://example.com/${"acme/rocket-launcher"}/issues/3)`)).toBe(
      "[rocket-launcher issue 3](https://example.com/acme/rocket-launcher/issues/3)",
    );
  });

  it("drops Bitbucket query strings from rewritten URLs but keeps other hosts' query strings", () => {
    expect(rewrite(`${SOURCE}/src/abc1234/app.ts?at=main#lines-3`)).toBe(`${TARGET}/-/blob/abc1234/app.ts#L3`);
    expect(rewrite(`${SOURCE}/issues?status=open`)).toBe(`${TARGET}/-/issues`);
    expect(rewrite("https://example.com/search?q=rocket-launcher&x=1")).toBe("https://example.com/search?q=rocket-launcher&x=1");
  });

  it("does not rewrite a source URL nested in another URL's query", () => {
    const text = `https://example.com/redirect?to=${SOURCE}/issues/1`;
    expect(rewrite(text)).toBe(text);
  });

  it("leaves other repositories, hosts, and mere mentions of the repository name untouched", () => {
    const text = [
      "https://bitbucket.org/acme/rocket-launcher-experiments/issues/1",
      "https://bitbucket.org/acme/rocket/issues/1",
      "https://github.com/acme/rocket-launcher/issues/1",
      "bitbucket.org/acme/rocket-launcher/issues/1",
      "acme/rocket-launcher#3 and rocket-launcher/issues/3",
      `${SOURCE}/downloads/rocket-1.0.zip`,
      `xhttps://bitbucket.org/acme/rocket-launcher/issues/1`,
    ].join("\n");
    expect(rewrite(text)).toBe(text);
  });

  it("leaves URLs in code spans and code blocks literal", () => {
    const text = [
      `Inline \`${SOURCE}/issues/1\` and \`\`${SOURCE}/issues/2\`\` stay; ${SOURCE}/issues/3 changes.`,
      "",
      "```",
      `${SOURCE}/issues/4`,
      "```",
      "",
      "~~~md",
      `[x](${SOURCE}/issues/5)`,
      "~~~",
      "",
      `    ${SOURCE}/issues/6`,
      "",
      `- item ${SOURCE}/issues/7`,
      "",
      "  ```",
      `  ${SOURCE}/issues/8`,
      "  ```",
      "",
      `> \`${SOURCE}/issues/9\``,
    ].join("\n");
    const out = rewrite(text);
    for (const n of [1, 2, 4, 5, 6, 8, 9]) expect(out).toContain(`${SOURCE}/issues/${n}`);
    for (const n of [3, 7]) {
      expect(out).toContain(`${TARGET}/-/issues/${n}`);
      expect(out).not.toContain(`${SOURCE}/issues/${n}`);
    }
  });

  it("treats an escaped backtick as text, not as the start of a code span", () => {
    expect(rewrite(`\\\`${SOURCE}/issues/3\\\``)).toBe(`\\\`${TARGET}/-/issues/3\\\``);
  });

  it("does not pair backticks across a blank line", () => {
    const text = `a \` b\n\n${SOURCE}/issues/3 \`code ${SOURCE}/issues/4\``;
    expect(rewrite(text)).toBe(`a \` b\n\n${TARGET}/-/issues/3 \`code ${SOURCE}/issues/4\``);
  });

  it("keeps CRLF line endings and everything else byte for byte", () => {
    const text = `Line one\r\n${SOURCE}/issues/3\r\n\r\n\`\`\`\r\n${SOURCE}/issues/4\r\n\`\`\`\r\n`;
    expect(rewrite(text)).toBe(`Line one\r\n${TARGET}/-/issues/3\r\n\r\n\`\`\`\r\n${SOURCE}/issues/4\r\n\`\`\`\r\n`);
  });

  it("is idempotent", () => {
    const text = `See ${SOURCE}/issues/3, [x](${SOURCE}/pull-requests/5/diff#comment-7) and <${SOURCE}/src/main/a.ts#lines-2:4>.`;
    const once = rewrite(text);
    expect(rewrite(once)).toBe(once);
  });

  it("handles the markdown-special characters around URLs without breaking the markup", () => {
    expect(rewrite(`| ${SOURCE}/issues/3 | ${SOURCE}/issues/4 |`)).toBe(`| ${TARGET}/-/issues/3 | ${TARGET}/-/issues/4 |`);
    expect(rewrite(`~~${SOURCE}/issues/3~~`)).toBe(`~~${TARGET}/-/issues/3~~`);
    expect(rewrite(`* ${SOURCE}/issues/3\n* ${SOURCE}/issues/4`)).toBe(`* ${TARGET}/-/issues/3\n* ${TARGET}/-/issues/4`);
    expect(rewrite(`# ${SOURCE}/issues/3 #`)).toBe(`# ${TARGET}/-/issues/3 #`);
  });

  it("with a root-relative target, turns bare URLs and autolinks into markdown links so they stay clickable", () => {
    const relative = (text: string) => rewriteReferences(text, { sourceRepositoryUrl: SOURCE, targetProjectUrl: "/acme/rocket-launcher" });
    expect(relative(`See ${SOURCE}/issues/3.`)).toBe("See [/acme/rocket-launcher/-/issues/3](/acme/rocket-launcher/-/issues/3).");
    expect(relative(`<${SOURCE}/issues/3>`)).toBe("[/acme/rocket-launcher/-/issues/3](/acme/rocket-launcher/-/issues/3)");
    expect(relative(`[bug](${SOURCE}/issues/3)`)).toBe("[bug](/acme/rocket-launcher/-/issues/3)");
    expect(relative(`[${SOURCE}/issues/3](${SOURCE}/issues/3)`)).toBe("[/acme/rocket-launcher/-/issues/3](/acme/rocket-launcher/-/issues/3)");
    expect(relative(`${SOURCE}/pull-requests/1`)).toBe("[/acme/rocket-launcher/-/merge\\_requests/1](/acme/rocket-launcher/-/merge_requests/1)");
    const once = relative(`See ${SOURCE}/issues/3.`);
    expect(relative(once)).toBe(once);
  });

  it("returns empty text as is", () => {
    expect(rewrite("")).toBe("");
  });
});
