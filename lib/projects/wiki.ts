import { existsSync } from "node:fs";
import { projectWikiPath, runGit, spawnGit } from "@/lib/git";

/**
 * Reading a project's wiki: the bare repository `<DATA_DIR>/repositories/<projectId>.wiki.git`
 * at HEAD. A page's slug is its path without the extension (subdirectories and spaces kept);
 * in URLs each slug segment is URL-encoded.
 */

export type WikiFormat = "markdown" | "creole" | "rst" | "textile" | "rdoc" | "asciidoc" | "org" | "mediawiki" | "text";

export type WikiPage = {
  /** Path in the repository, e.g. "guides/Getting Started.md". */
  path: string;
  /** The path without extension, e.g. "guides/Getting Started". */
  slug: string;
  /** The file name without extension. */
  title: string;
  /** The directory, "" at the top. */
  directory: string;
  format: WikiFormat;
  /** Git blob id and size in bytes. */
  oid: string;
  size: number;
};

/** `content` is null when the page is too large to show. */
export type WikiPageContent = { page: WikiPage; content: string | null };

const FORMATS: Record<string, WikiFormat> = {
  md: "markdown",
  markdown: "markdown",
  mdown: "markdown",
  mkd: "markdown",
  wiki: "creole",
  creole: "creole",
  rst: "rst",
  textile: "textile",
  txt: "text",
  text: "text",
  rdoc: "rdoc",
  adoc: "asciidoc",
  asciidoc: "asciidoc",
  org: "org",
  mediawiki: "mediawiki",
};

export const FORMAT_NAMES: Record<WikiFormat, string> = {
  markdown: "Markdown",
  creole: "Creole",
  rst: "reStructuredText",
  textile: "Textile",
  rdoc: "RDoc",
  asciidoc: "AsciiDoc",
  org: "Org",
  mediawiki: "MediaWiki",
  text: "plain text",
};

/** Pages larger than this are not shown. */
const MAX_PAGE_BYTES = 1024 * 1024;

/** A wiki page for a file path, or null for files that are not pages (images, hidden files…). */
export function wikiPageFromPath(filePath: string, oid = "", size = 0): WikiPage | null {
  const segments = filePath.split("/");
  if (segments.some((segment) => segment.length === 0 || segment.startsWith("."))) return null;
  const fileName = segments[segments.length - 1]!;
  const dot = fileName.lastIndexOf(".");
  if (dot <= 0) return null;
  const format = FORMATS[fileName.slice(dot + 1).toLowerCase()];
  if (!format) return null;
  const title = fileName.slice(0, dot);
  const directory = segments.slice(0, -1).join("/");
  return { path: filePath, slug: directory ? `${directory}/${title}` : title, title, directory, format, oid, size };
}

/** The URL path of a slug below `/-/wikis/`: each segment encoded, slashes kept. */
export function encodeWikiSlug(slug: string): string {
  return slug.split("/").map(encodeURIComponent).join("/");
}

/** Markdown first among pages that share a slug (home.md next to home.wiki). */
function preferred(a: WikiPage, b: WikiPage): WikiPage {
  if ((a.format === "markdown") !== (b.format === "markdown")) return a.format === "markdown" ? a : b;
  return a.path <= b.path ? a : b;
}

/** Parses `git ls-tree -r -z -l` output into pages (one per slug), sorted by directory then title. */
export function parseWikiTree(output: string): WikiPage[] {
  const bySlug = new Map<string, WikiPage>();
  for (const entry of output.split("\0")) {
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t([\s\S]+)$/.exec(entry);
    if (!match || match[2] !== "blob" || match[1] === "120000") continue;
    const page = wikiPageFromPath(match[5]!, match[3]!, Number(match[4]) || 0);
    if (!page) continue;
    const existing = bySlug.get(page.slug);
    bySlug.set(page.slug, existing ? preferred(existing, page) : page);
  }
  return [...bySlug.values()].sort(
    (a, b) =>
      a.directory.localeCompare(b.directory, "en", { sensitivity: "base" }) ||
      a.title.localeCompare(b.title, "en", { sensitivity: "base" }),
  );
}

/** Git in the wiki repository; `--git-dir` so a missing repository never falls back to a parent one. */
function wikiGit(projectId: number, args: string[]) {
  const dir = projectWikiPath(projectId);
  return runGit([`--git-dir=${dir}`, ...args], { cwd: dir, timeoutMs: 15_000 });
}

/** The wiki's pages at HEAD; null when the project has no wiki repository. */
export async function listWikiPages(projectId: number): Promise<WikiPage[] | null> {
  if (!existsSync(projectWikiPath(projectId))) return null;
  try {
    const { stdout } = await wikiGit(projectId, ["ls-tree", "-r", "-z", "-l", "--full-tree", "HEAD"]);
    return parseWikiTree(stdout);
  } catch {
    // An empty repository has no HEAD commit yet.
    return [];
  }
}

/** Finds a page by slug (exact, then ignoring case). */
export function findWikiPage(pages: readonly WikiPage[], slug: string): WikiPage | null {
  return pages.find((page) => page.slug === slug) ?? pages.find((page) => page.slug.toLowerCase() === slug.toLowerCase()) ?? null;
}

/**
 * The content of many pages with one `git cat-file --batch`: null for pages larger than a page
 * may be, and for those past `maxTotalBytes` (what one answer may hold), in the order given.
 */
export async function readWikiPages(projectId: number, pages: readonly WikiPage[], options: { maxTotalBytes: number }): Promise<WikiPageContent[]> {
  let budget = options.maxTotalBytes;
  const wanted = pages.map((page) => {
    const fits = page.size <= MAX_PAGE_BYTES && page.size <= budget;
    if (fits) budget -= page.size;
    return fits;
  });
  const oids = pages.filter((_, index) => wanted[index]).map((page) => page.oid);
  const contents = oids.length ? await catFileBatch(projectWikiPath(projectId), oids) : new Map<string, string>();
  return pages.map((page, index) => ({ page, content: wanted[index] ? (contents.get(page.oid) ?? null) : null }));
}

/** Blob contents by oid, from one `git cat-file --batch` run. */
async function catFileBatch(repository: string, oids: readonly string[]): Promise<Map<string, string>> {
  const git = spawnGit([`--git-dir=${repository}`, "cat-file", "--batch"], { cwd: repository, stdin: true, timeoutMs: 15_000 });
  const chunks: Buffer[] = [];
  git.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  git.stdin!.end(oids.map((oid) => `${oid}\n`).join(""));
  await git.done;
  const output = Buffer.concat(chunks);
  const contents = new Map<string, string>();
  let offset = 0;
  while (offset < output.length) {
    const headerEnd = output.indexOf(0x0a, offset);
    if (headerEnd === -1) break;
    const [oid, type, size] = output.subarray(offset, headerEnd).toString("utf8").split(" ");
    offset = headerEnd + 1;
    if (type === "missing" || size === undefined) continue;
    const length = Number(size);
    if (type === "blob") contents.set(oid!, output.subarray(offset, offset + length).toString("utf8"));
    offset += length + 1;
  }
  return contents;
}

export async function readWikiPage(projectId: number, slug: string): Promise<WikiPageContent | null> {
  const pages = await listWikiPages(projectId);
  const page = pages && findWikiPage(pages, slug);
  if (!page) return null;
  if (page.size > MAX_PAGE_BYTES) return { page, content: null };
  const { stdout } = await wikiGit(projectId, ["cat-file", "blob", page.oid]);
  return { page, content: stdout };
}
