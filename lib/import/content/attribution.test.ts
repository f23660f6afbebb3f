import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { attributionName, attributionPrefix, withAttribution } from "./attribution";
import { inlineCommentFallback } from "./inline-comment";

describe("attribution", () => {
  it("names the nickname, else the display name, else Anonymous", () => {
    expect(attributionName({ username: "alice", displayName: "Alice A." })).toBe("alice");
    expect(attributionName({ nickname: "alice2", displayName: "Alice A." })).toBe("alice2");
    expect(attributionName({ username: null, displayName: "Alice A." })).toBe("Alice A.");
    expect(attributionName({ username: "  ", displayName: "" })).toBe("Anonymous");
    expect(attributionName(null)).toBe("Anonymous");
  });

  it("prefixes `*Created by: …*` and a blank line", () => {
    expect(attributionPrefix({ username: "alice" })).toBe("*Created by: alice*\n\n");
    expect(attributionPrefix(null)).toBe("*Created by: Anonymous*\n\n");
    expect(withAttribution("Hello", { username: "alice" }, false)).toBe("*Created by: alice*\n\nHello");
  });

  it("accepts a source user as the pipeline has it", () => {
    const sourceUser = { id: "{uuid}", accountId: "557058:x", username: "alice", displayName: "Alice" };
    expect(withAttribution("Hi", sourceUser, false)).toBe("*Created by: alice*\n\nHi");
  });

  it("leaves mapped authors' text alone", () => {
    expect(withAttribution("Hello", { username: "alice" }, true)).toBe("Hello");
  });

  it("escapes names so the emphasis and the rest of the text survive", () => {
    const prefix = attributionPrefix({ username: null, displayName: "*bob* __init__ [x](javascript:alert(1)) @root" });
    const html = renderMarkdown(`${prefix}body`);
    expect(html).toBe("<p><em>Created by: *bob* __init__ [x](javascript:alert(1)) @root</em></p>\n<p>body</p>\n");
  });

  it("does not attribute twice and handles empty bodies", () => {
    const once = withAttribution("Hello", { username: "alice" }, false);
    expect(withAttribution(once, { username: "alice" }, false)).toBe(once);
    expect(withAttribution("", { username: "alice" }, false)).toBe("*Created by: alice*");
    expect(withAttribution("*Created by: alice*", { username: "alice" }, false)).toBe("*Created by: alice*");
  });
});

describe("inlineCommentFallback", () => {
  it("names the file and both lines", () => {
    expect(inlineCommentFallback({ path: "src/app.ts", oldLine: 3, newLine: 5 })).toBe("*Comment on `src/app.ts`, old line 3 → new line 5*");
  });

  it("covers added lines (new only), removed lines (old only) and file comments", () => {
    expect(inlineCommentFallback({ path: "src/app.ts", oldLine: null, newLine: 5 })).toBe("*Comment on `src/app.ts`, new line 5*");
    expect(inlineCommentFallback({ path: "src/app.ts", oldLine: 3, newLine: null })).toBe("*Comment on `src/app.ts`, old line 3*");
    expect(inlineCommentFallback({ path: "src/app.ts", oldLine: null, newLine: null })).toBe("*Comment on `src/app.ts`*");
    expect(inlineCommentFallback({ path: "src/app.ts", oldLine: 0, newLine: -1 })).toBe("*Comment on `src/app.ts`*");
  });

  it("keeps paths with markdown characters literal", () => {
    const line = inlineCommentFallback({ path: "pkg/__init__.py", oldLine: null, newLine: 1 });
    expect(renderMarkdown(line)).toBe("<p><em>Comment on <code>pkg/__init__.py</code>, new line 1</em></p>\n");
    const ticks = inlineCommentFallback({ path: "docs/`weird`.md", oldLine: 1, newLine: 1 });
    expect(renderMarkdown(ticks)).toContain("<code>docs/`weird`.md</code>");
  });

  it("is a single line", () => {
    expect(inlineCommentFallback({ path: "a\nb.ts", oldLine: 1, newLine: 2 })).not.toContain("\n");
  });
});
