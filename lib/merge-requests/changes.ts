import { diffCommits, logCommits, mergeBase, readLines, resolveRevision, type CommitInfo, type DiffLine, type FileDiff } from "@/lib/git";
import type { Discussion, NotePosition } from "@/lib/notes";
import { DIFF_LIMITS, projectRepository, type Diff } from "@/lib/repository";

/**
 * A merge request's Changes and Commits: the diff from the merge base of its target and source
 * commits to the source commit (what the source branch adds), and the diff notes placed on the
 * lines they were written on. A diff note whose line is not in this diff, or that was written
 * against another source commit, is outdated: it is listed apart with the lines it was written
 * on, read from the commit it names.
 */

export type MergeRequestHeads = { iid: number; sourceSha: string | null; targetSha: string | null };

export type Revisions = { repoPath: string; base: string; head: string };

/** Why there is no diff to show. */
export type Unavailable = { unavailable: string };

async function revisions(projectId: number, mergeRequest: MergeRequestHeads): Promise<Revisions | Unavailable> {
  const repoPath = projectRepository(projectId);
  if (!repoPath) return { unavailable: "The repository has not been imported yet." };
  const head = mergeRequest.sourceSha ? await resolveRevision(repoPath, mergeRequest.sourceSha) : null;
  if (!head) return { unavailable: "The source branch's commit is not in this repository (its fork could not be read), so the changes cannot be shown." };
  const target = mergeRequest.targetSha ? await resolveRevision(repoPath, mergeRequest.targetSha) : null;
  if (!target) return { unavailable: "The target branch's commit is not in this repository, so the changes cannot be shown." };
  return { repoPath, head, base: (await mergeBase(repoPath, target, head)) ?? target };
}

export function isUnavailable(value: object): value is Unavailable {
  return "unavailable" in value;
}

/** Where a discussion sits in the diff: on a line of a file, on a file as a whole, or outdated. */
export type DiscussionPlacement = {
  /** Key `lineKey(fileIndex, line)` → the discussions on that line. */
  onLine: Map<string, Discussion[]>;
  /** File index → discussions on the whole file (or on a file too large to show). */
  onFile: Map<number, Discussion[]>;
  outdated: Discussion[];
};

/** The key of a diff line: its file and its new line number (its old one for a removed line). */
export function lineKey(fileIndex: number, line: Pick<DiffLine, "oldLine" | "newLine">): string {
  return line.newLine !== null ? `${fileIndex}:new:${line.newLine}` : `${fileIndex}:old:${line.oldLine}`;
}

function writtenAgainst(position: NotePosition, head: string): boolean {
  return !position.headSha || head.startsWith(position.headSha.toLowerCase());
}

function findLine(file: FileDiff, position: NotePosition): DiffLine | null {
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (position.newLine !== null ? line.newLine === position.newLine : line.kind !== "added" && line.oldLine === position.oldLine) return line;
    }
  }
  return null;
}

function push<K>(map: Map<K, Discussion[]>, key: K, discussion: Discussion): void {
  const list = map.get(key);
  if (list) list.push(discussion);
  else map.set(key, [discussion]);
}

/** Places each diff discussion on the diff written against `head`; discussions without a position are ignored. */
export function placeDiscussions(files: readonly FileDiff[], discussions: readonly Discussion[], head: string): DiscussionPlacement {
  const placement: DiscussionPlacement = { onLine: new Map(), onFile: new Map(), outdated: [] };
  for (const discussion of discussions) {
    const position = discussion.position;
    if (!position) continue;
    const fileIndex = files.findIndex((file) => file.newPath === position.path || (file.status !== "added" && file.oldPath === position.path));
    if (fileIndex === -1 || !writtenAgainst(position, head)) {
      placement.outdated.push(discussion);
      continue;
    }
    const file = files[fileIndex]!;
    if ((position.newLine === null && position.oldLine === null) || file.tooLarge) {
      push(placement.onFile, fileIndex, discussion);
      continue;
    }
    const line = findLine(file, position);
    if (line) push(placement.onLine, lineKey(fileIndex, line), discussion);
    else placement.outdated.push(discussion);
  }
  return placement;
}

/** The lines a diff note was written on, with up to `radius` lines around them, from the commit its position names. */
export type OriginalContext = { commit: string; side: "old" | "new"; line: number; start: number; lines: string[] };

const CONTEXT_RADIUS = 3;

async function originalContext(repoPath: string, position: NotePosition): Promise<OriginalContext | null> {
  const side = position.newLine !== null ? "new" : "old";
  const line = position.newLine ?? position.oldLine;
  const sha = side === "new" ? position.headSha : position.baseSha;
  if (line === null || !sha) return null;
  const commit = await resolveRevision(repoPath, sha);
  if (!commit) return null;
  const read = await readLines(repoPath, commit, position.path, line - CONTEXT_RADIUS, line + CONTEXT_RADIUS);
  return read && read.lines.length > 0 ? { commit, side, line, ...read } : null;
}

export type OutdatedDiscussion = { discussion: Discussion; context: OriginalContext | null };

export type MergeRequestChanges = Revisions & { diff: Diff; placement: DiscussionPlacement; outdated: OutdatedDiscussion[] };

/** The merge request's diff with its discussions placed; `unavailable` when either commit is missing. */
export async function readMergeRequestChanges(projectId: number, mergeRequest: MergeRequestHeads, discussions: readonly Discussion[]): Promise<MergeRequestChanges | Unavailable> {
  const revs = await revisions(projectId, mergeRequest);
  if (isUnavailable(revs)) return revs;
  const diff = await diffCommits(revs.repoPath, revs.base, revs.head, DIFF_LIMITS);
  const placement = placeDiscussions(diff.files, discussions, revs.head);
  const outdated = await Promise.all(placement.outdated.map(async (discussion) => ({ discussion, context: await originalContext(revs.repoPath, discussion.position!) })));
  return { ...revs, diff, placement, outdated };
}

export const MERGE_REQUEST_COMMITS_LIMIT = 200;

/** The commits the source branch adds (newest first, at most MERGE_REQUEST_COMMITS_LIMIT). */
export async function readMergeRequestCommits(projectId: number, mergeRequest: MergeRequestHeads): Promise<{ commits: CommitInfo[]; truncated: boolean } | Unavailable> {
  const revs = await revisions(projectId, mergeRequest);
  if (isUnavailable(revs)) return revs;
  const commits = await logCommits(revs.repoPath, revs.head, { exclude: revs.base, limit: MERGE_REQUEST_COMMITS_LIMIT + 1 });
  return { commits: commits.slice(0, MERGE_REQUEST_COMMITS_LIMIT), truncated: commits.length > MERGE_REQUEST_COMMITS_LIMIT };
}
