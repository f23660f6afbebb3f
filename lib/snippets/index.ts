/**
 * Personal snippets and the GitHub gists import that makes them. Pages and the API read snippets
 * through `read.ts`; who may read one is decided by lib/projects/access.ts (canReadSnippet,
 * readableSnippetsWhere).
 */
export { findSnippet, listSnippets, snippetFileContents, snippetRawFile, type SnippetFileContent, type SnippetRow } from "./read";
export { MAX_SNIPPET_FILE_BYTES } from "./repository";
export {
  GIST_FILE_LIMIT,
  gistsImportJob,
  gistTitle,
  itemsWithOutcome,
  lastGistsImport,
  linkedGithubToken,
  startGistsImport,
  startGistsImportWorkers,
  type GistsImportRun,
} from "./gists-import";
