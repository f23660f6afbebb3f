import { afterEach, describe, expect, it } from "vitest";
import { createWiki as createWikiRepository } from "@/test/wiki";
import { encodeWikiSlug, findWikiPage, listWikiPages, parseWikiTree, readWikiPage, readWikiPages, wikiPageFromPath } from "./wiki";

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function createWiki(projectId: number, files: Record<string, string>): void {
  cleanup.push(createWikiRepository(projectId, files));
}

describe("wiki page paths", () => {
  it("keeps directories and spaces in slugs and recognises formats by extension", () => {
    expect(wikiPageFromPath("guides/Getting Started.md")).toMatchObject({
      slug: "guides/Getting Started",
      title: "Getting Started",
      directory: "guides",
      format: "markdown",
    });
    expect(wikiPageFromPath("Home.wiki")).toMatchObject({ slug: "Home", format: "creole" });
    expect(wikiPageFromPath("notes.rst")?.format).toBe("rst");
    expect(wikiPageFromPath("a.textile")?.format).toBe("textile");
    expect(wikiPageFromPath("todo.txt")?.format).toBe("text");
    expect(wikiPageFromPath("v1.2 notes.markdown")).toMatchObject({ slug: "v1.2 notes", format: "markdown" });
  });

  it("skips attachments, hidden files and files without a page extension", () => {
    expect(wikiPageFromPath("images/logo.png")).toBeNull();
    expect(wikiPageFromPath(".gitignore")).toBeNull();
    expect(wikiPageFromPath(".hidden/page.md")).toBeNull();
    expect(wikiPageFromPath("README")).toBeNull();
  });

  it("encodes each slug segment for URLs", () => {
    expect(encodeWikiSlug("guides/Getting Started")).toBe("guides/Getting%20Started");
    expect(encodeWikiSlug("100% done?")).toBe("100%25%20done%3F");
  });

  it("parses ls-tree output, one page per slug with markdown preferred", () => {
    const oid = "a".repeat(40);
    const output = [
      `100644 blob ${oid}      12\tHome.wiki`,
      `100644 blob ${oid}      10\tHome.md`,
      `100644 blob ${oid}     300\timages/logo.png`,
      `120000 blob ${oid}       5\tlink.md`,
      `100644 blob ${oid}       7\tguides/Getting Started.md`,
      "",
    ].join("\0");
    const pages = parseWikiTree(output);
    expect(pages.map((page) => page.path)).toEqual(["Home.md", "guides/Getting Started.md"]);
    expect(pages[0]).toMatchObject({ size: 10, oid });
    expect(findWikiPage(pages, "home")?.path).toBe("Home.md");
    expect(findWikiPage(pages, "guides/Getting Started")?.path).toBe("guides/Getting Started.md");
    expect(findWikiPage(pages, "missing")).toBeNull();
  });
});

describe("reading the wiki repository", () => {
  it("is null without a wiki repository and empty for a repository without commits", async () => {
    expect(await listWikiPages(9001)).toBeNull();
    createWiki(9002, {});
    expect(await listWikiPages(9002)).toEqual([]);
    expect(await readWikiPage(9002, "Home")).toBeNull();
  });

  it("lists the pages at HEAD and reads one by slug", async () => {
    createWiki(9003, {
      "Home.md": "# Welcome\n",
      "guides/Getting Started.md": "Start here.\n",
      "guides/deep/Old Page.wiki": "== Creole ==\n",
      "images/logo.png": "PNG",
    });
    const pages = await listWikiPages(9003);
    expect(pages?.map((page) => [page.slug, page.format])).toEqual([
      ["Home", "markdown"],
      ["guides/Getting Started", "markdown"],
      ["guides/deep/Old Page", "creole"],
    ]);
    expect(await readWikiPage(9003, "guides/Getting Started")).toMatchObject({ content: "Start here.\n", page: { path: "guides/Getting Started.md" } });
    expect(await readWikiPage(9003, "guides/deep/Old Page")).toMatchObject({ content: "== Creole ==\n", page: { format: "creole" } });
    expect(await readWikiPage(9003, "images/logo")).toBeNull();
  });

  it("reads many pages with one batch, up to a total size", async () => {
    createWiki(9004, { "A.md": "ä€𝄞\n", "B.md": "b".repeat(1000), "C.wiki": "= C =\n", "D.md": "" });
    const pages = (await listWikiPages(9004))!;
    const all = await readWikiPages(9004, pages, { maxTotalBytes: 10_000 });
    expect(all.map((entry) => [entry.page.slug, entry.content])).toEqual([["A", "ä€𝄞\n"], ["B", "b".repeat(1000)], ["C", "= C =\n"], ["D", ""]]);
    const bounded = await readWikiPages(9004, pages, { maxTotalBytes: 100 });
    expect(bounded.map((entry) => entry.content)).toEqual(["ä€𝄞\n", null, "= C =\n", ""]);
  });
});
