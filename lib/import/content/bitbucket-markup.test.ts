import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { convertChangesetRefs, convertCodeLanguageHints } from "./bitbucket-markup";

const TARGET = "https://ferry.example.com/acme/rocket-launcher";

describe("convertChangesetRefs", () => {
  it("links <<cset …>> to the commit in the Ferry project", () => {
    expect(convertChangesetRefs("→ <<cset 1a2b3c4d5e6f>>", TARGET)).toBe(`→ [1a2b3c4d5e6f](${TARGET}/-/commit/1a2b3c4d5e6f)`);
    expect(convertChangesetRefs("<<cset 1A2B3C4>>", `${TARGET}/`)).toBe(`[1A2B3C4](${TARGET}/-/commit/1a2b3c4)`);
    expect(convertChangesetRefs("<<cset 1a2b3c4>>", "/acme/rocket-launcher")).toBe("[1a2b3c4](/acme/rocket-launcher/-/commit/1a2b3c4)");
  });

  it("leaves code and non-changesets alone, and is idempotent", () => {
    const text = "`<<cset 1a2b3c4d>>` <<cset xyz>> <<cset 12>> <<changeset 1a2b3c4d>>";
    expect(convertChangesetRefs(text, TARGET)).toBe(text);
    const once = convertChangesetRefs("<<cset 1a2b3c4d>>", TARGET);
    expect(convertChangesetRefs(once, TARGET)).toBe(once);
  });
});

describe("convertCodeLanguageHints", () => {
  it.each([
    ["moves #!lang from a fenced block's first line into the info string", "```\n#!python\nprint(1)\n```\n", "```python\nprint(1)\n```\n"],
    ["moves :::lang from a tilde fence's first line into the info string", "~~~~  \n:::js\nx()\n~~~~", "~~~~js\nx()\n~~~~"],
    ["works inside lists", "- item\n\n  ```\n  #!ruby\n  puts 1\n  ```\n", "- item\n\n  ```ruby\n  puts 1\n  ```\n"],
    ["works inside block quotes", "> ```\n> #!sh\n> ls\n> ```", "> ```sh\n> ls\n> ```"],
  ])("%s", (_rule, text, expected) => {
    expect(convertCodeLanguageHints(text)).toBe(expected);
  });

  it("turns a top-level indented block with #!lang into a fenced block", () => {
    const text = "Example:\n\n    #!python\n    def f():\n        return 1\n\nAfter.";
    const out = convertCodeLanguageHints(text);
    expect(out).toBe("Example:\n\n```python\ndef f():\n    return 1\n```\n\nAfter.");
    expect(renderMarkdown(out)).toContain('<pre><code class="language-python">def f():\n    return 1\n</code></pre>');
  });

  it("picks a fence longer than any backtick run in the code, and keeps CRLF", () => {
    expect(convertCodeLanguageHints("    #!md\n    ```\n    x\n    ```\n")).toBe("````md\n```\nx\n```\n````\n");
    expect(convertCodeLanguageHints("    #!sh\r\n    ls\r\n")).toBe("```sh\r\nls\r\n```\r\n");
    expect(convertCodeLanguageHints("    #!sh\n    ls")).toBe("```sh\nls\n```");
  });

  it("leaves real shebangs, blocks with a language, hints later in the block and prose alone", () => {
    const texts = [
      "```\n#!/bin/bash\necho hi\n```",
      "```js\n#!python\nx\n```",
      "```\nx\n#!python\n```",
      "#!python in a paragraph",
      "    #!python",
      "- list\n\n        #!python\n        nested()\n",
    ];
    for (const text of texts) expect(convertCodeLanguageHints(text)).toBe(text);
  });

  it("is idempotent", () => {
    const once = convertCodeLanguageHints("    #!python\n    x = 1\n\n```\n#!js\ny\n```");
    expect(convertCodeLanguageHints(once)).toBe(once);
  });
});
