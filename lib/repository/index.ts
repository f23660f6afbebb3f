/**
 * The repository browser's read model: where a URL points (ref and path), trees, files
 * (highlighted, LFS content included), raw downloads, history, diffs, branches and tags. Git
 * work goes through lib/git; callers check the project's access first.
 */
export { projectRepository, repositoryDefaultBranch, locate, type RepositoryLocation } from "./location";
export { readTreeAt, readBlobAt, rawFileResponse, imageType, looksBinary, MAX_DISPLAY_BYTES, type TreeView, type BlobView, type LfsInfo } from "./files";
export { listCommitsAt, readCommitWithDiff, commitTitle, DIFF_LIMITS, COLLAPSE_FILE_LINES, COMMITS_PER_PAGE, type CommitPage, type CommitView, type Diff } from "./commits";
export { readBranches, readTags, type BranchRef, type TagRef } from "./refs";
export { highlightLines, languageFor, splitLines, HIGHLIGHT_LIMITS, type HighlightedLine, type Token } from "./highlight";
