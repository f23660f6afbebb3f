import { db, type Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { canReadSnippet, readableSnippetsWhere, type Actor } from "@/lib/projects/access";
import { personSelect } from "@/lib/users/people";
import { MAX_SNIPPET_FILE_BYTES, readSnippetBlob, resolveSnippetRef, snippetTree, type SnippetTreeFile } from "./repository";

/**
 * The snippet read model, shared by the profile pages and `/api/v4/snippets`: one select, the
 * lists and look-ups filtered through the access module, and the files read from the snippet's
 * repository.
 */

export const snippetSelect = {
  id: true,
  title: true,
  description: true,
  visibility: true,
  importSource: true,
  sourceId: true,
  sourceUrl: true,
  defaultBranch: true,
  createdAt: true,
  updatedAt: true,
  authorId: true,
  author: { select: personSelect },
  files: { select: { path: true, size: true }, orderBy: { position: "asc" } },
} satisfies Prisma.SnippetSelect;

export type SnippetRow = Prisma.SnippetGetPayload<{ select: typeof snippetSelect }>;

/** The snippets of one author the caller can read, newest first. */
export async function listSnippets(user: Actor | null, options: { authorId: string } & PageOptions): Promise<Paged<SnippetRow>> {
  const where: Prisma.SnippetWhereInput = { AND: [readableSnippetsWhere(user), { authorId: options.authorId }] };
  return loadPage(
    options,
    (range) => db.snippet.findMany({ where, select: snippetSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...range }),
    () => db.snippet.count({ where }),
  );
}

/** The snippet, or null when it does not exist or the caller may not read it (the two look alike). */
export async function findSnippet(user: Actor | null, id: number): Promise<SnippetRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const snippet = await db.snippet.findUnique({ where: { id }, select: snippetSelect });
  return snippet && canReadSnippet(user, snippet) ? snippet : null;
}

export type SnippetFileContent = {
  path: string;
  size: number;
  /** null for a binary file or one larger than MAX_SNIPPET_FILE_BYTES. */
  text: string | null;
};

function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** The files of the snippet at its default branch, with their text. */
export async function snippetFileContents(snippet: Pick<SnippetRow, "id" | "defaultBranch">): Promise<SnippetFileContent[]> {
  const commit = snippet.defaultBranch ? await resolveSnippetRef(snippet.id, snippet.defaultBranch) : null;
  if (!commit) return [];
  const files = await snippetTree(snippet.id, commit);
  return Promise.all(
    files.map(async (file) => {
      if (file.size > MAX_SNIPPET_FILE_BYTES) return { path: file.path, size: file.size, text: null };
      const content = await readSnippetBlob(snippet.id, file.oid);
      return { path: file.path, size: file.size, text: looksBinary(content) ? null : content.toString("utf8") };
    }),
  );
}

/** One file's bytes at a branch or commit; null when the ref or the file does not exist, or it is too large to serve. */
export async function snippetRawFile(snippet: Pick<SnippetRow, "id">, ref: string, path: string): Promise<{ file: SnippetTreeFile; content: Buffer } | null> {
  const commit = await resolveSnippetRef(snippet.id, ref);
  if (!commit) return null;
  const file = (await snippetTree(snippet.id, commit)).find((candidate) => candidate.path === path);
  if (!file || file.size > MAX_SNIPPET_FILE_BYTES) return null;
  return { file, content: await readSnippetBlob(snippet.id, file.oid) };
}
