/**
 * Git content plans and their object ids, computed in JavaScript.
 *
 * A plan lists commits (with their file changes), branches and tags. `hashGitPlan` computes the
 * exact SHA-1 of every commit the way git does (blob, tree and commit objects), so the API can
 * report commit hashes (pull request source/destination/merge commits, `/src/<hash>/...` links)
 * without building the repository, and `git fast-import` later creates the very same objects.
 *
 * Only commits reachable from a branch or tag are written to the repository: a commit on a
 * branch that was deleted without being merged keeps its hash (pull requests still mention it)
 * but is not in the repository, which is what happens on Bitbucket when a source branch is gone.
 */
import { createHash } from "node:crypto";

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface CommitPlan {
  /** Unique id in the plan and fast-import mark; plans list parents before children. */
  readonly mark: number;
  /** Parent marks; the first one is the first parent ("from"), the others are merged. */
  readonly parents: readonly number[];
  readonly message: string;
  readonly author: GitIdentity;
  /** Seconds since the epoch (UTC); author and committer dates are equal. */
  readonly timestamp: number;
  /** Files added or changed by this commit, relative to the first parent. */
  readonly files: Readonly<Record<string, string>>;
  /** Files deleted by this commit. */
  readonly deletes?: readonly string[];
  /** The branch the commit was made on (documentation only; refs come from `branches`). */
  readonly branch?: string;
}

export interface TagPlan {
  readonly name: string;
  readonly target: number;
  /** Annotated tags have a message and a tagger; lightweight tags have neither. */
  readonly message?: string;
  readonly timestamp?: number;
  readonly tagger?: GitIdentity;
}

export interface GitPlan {
  readonly commits: readonly CommitPlan[];
  /** Branch name -> mark of its tip. */
  readonly branches: Readonly<Record<string, number>>;
  /** Other refs by full name (e.g. `refs/pull/3/head`) -> mark; their commits are in the repository. */
  readonly refs?: Readonly<Record<string, number>>;
  readonly tags: readonly TagPlan[];
  /** The default branch (HEAD). */
  readonly head: string;
}

export interface HashedGitPlan extends GitPlan {
  /** Full 40-hex commit id of a mark. */
  sha(mark: number): string;
  /** Whether the commit is in the repository (reachable from a branch or tag). */
  inRepository(mark: number): boolean;
  /** The mark of a full or abbreviated commit hash (at least 7 characters), if the plan has it. */
  markOf(hash: string): number | undefined;
  /** The file paths of a commit's tree, sorted. */
  pathsAt(mark: number): string[];
  /** The content of a file at a commit, if present. */
  fileAt(mark: number, path: string): string | undefined;
  commit(mark: number): CommitPlan;
}

// ---------------------------------------------------------------------------------------------
// Object hashing

function sha1(type: string, body: Buffer): Buffer {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest();
}

export function blobSha(content: string | Buffer): string {
  return sha1("blob", typeof content === "string" ? Buffer.from(content, "utf8") : content).toString("hex");
}

interface BlobEntry {
  readonly kind: "blob";
  readonly sha: Buffer;
  readonly content: string;
}

interface TreeNode {
  readonly kind: "tree";
  readonly entries: Map<string, BlobEntry | TreeNode>;
  sha?: Buffer;
  /** Entry names in git order; kept by copies until an entry is added or removed. */
  order?: string[];
}

const emptyTree = (): TreeNode => ({ kind: "tree", entries: new Map() });

function copyTree(node: TreeNode): TreeNode {
  return { kind: "tree", entries: new Map(node.entries), order: node.order };
}

/** Sets an entry, dropping the cached order when the set of names (or an entry's kind) changes. */
function setEntry(node: TreeNode, name: string, entry: BlobEntry | TreeNode): void {
  const previous = node.entries.get(name);
  if (!previous || previous.kind !== entry.kind) node.order = undefined;
  node.entries.set(name, entry);
}

function deleteEntry(node: TreeNode, name: string): void {
  if (node.entries.delete(name)) node.order = undefined;
}

/** Git orders tree entries by name bytes, with directory names compared as if they ended in "/". */
function entryKey(name: string, entry: BlobEntry | TreeNode): string {
  return entry.kind === "tree" ? `${name}/` : name;
}

const ASCII = /^[\x00-\x7f]*$/;

function treeSha(node: TreeNode): Buffer {
  if (node.sha) return node.sha;
  if (!node.order) {
    const keyed: [string, string][] = [];
    let ascii = true;
    for (const [name, entry] of node.entries) {
      const key = entryKey(name, entry);
      if (ascii && !ASCII.test(key)) ascii = false;
      keyed.push([key, name]);
    }
    // UTF-16 order equals byte order for ASCII; otherwise compare the UTF-8 bytes.
    if (ascii) keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    else keyed.sort((a, b) => Buffer.compare(Buffer.from(a[0], "utf8"), Buffer.from(b[0], "utf8")));
    node.order = keyed.map(([, name]) => name);
  }
  let length = 0;
  for (const name of node.order) length += (node.entries.get(name)!.kind === "tree" ? 6 : 7) + Buffer.byteLength(name, "utf8") + 1 + 20;
  const body = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const name of node.order) {
    const entry = node.entries.get(name)!;
    const sha = entry.kind === "tree" ? treeSha(entry) : entry.sha;
    offset += body.write(entry.kind === "tree" ? "40000 " : "100644 ", offset, "latin1");
    offset += body.write(name, offset, "utf8");
    body[offset++] = 0;
    offset += sha.copy(body, offset);
  }
  node.sha = sha1("tree", body);
  return node.sha;
}

/** Copy-on-write update of a tree: returns a new root sharing unchanged subtrees. */
function applyChanges(root: TreeNode, files: Readonly<Record<string, string>>, deletes: readonly string[]): TreeNode {
  const result = copyTree(root);
  const copied = new Set<TreeNode>([result]);
  const dirFor = (segments: readonly string[], create: boolean): TreeNode | undefined => {
    let node = result;
    for (const segment of segments) {
      const child = node.entries.get(segment);
      let next: TreeNode;
      if (child === undefined || child.kind === "blob") {
        if (!create) return undefined;
        next = emptyTree();
        copied.add(next);
      } else if (copied.has(child)) {
        next = child;
      } else {
        next = copyTree(child);
        copied.add(next);
      }
      setEntry(node, segment, next);
      node = next;
    }
    return node;
  };
  for (const file of deletes) {
    const segments = file.split("/");
    const name = segments.pop()!;
    const dir = dirFor(segments, false);
    if (!dir) continue;
    deleteEntry(dir, name);
    // Git has no empty directories: drop the ones this deletion emptied.
    for (let depth = segments.length; depth > 0; depth--) {
      const parent = dirFor(segments.slice(0, depth - 1), false)!;
      const child = parent.entries.get(segments[depth - 1]!);
      if (child && child.kind === "tree" && child.entries.size === 0) deleteEntry(parent, segments[depth - 1]!);
      else break;
    }
  }
  for (const [file, content] of Object.entries(files)) {
    const segments = file.split("/");
    const name = segments.pop()!;
    const dir = dirFor(segments, true)!;
    setEntry(dir, name, { kind: "blob", sha: sha1("blob", Buffer.from(content, "utf8")), content });
  }
  return result;
}

function walkPaths(node: TreeNode, prefix: string, out: string[]): void {
  for (const [name, entry] of node.entries) {
    if (entry.kind === "tree") walkPaths(entry, `${prefix}${name}/`, out);
    else out.push(`${prefix}${name}`);
  }
}

function findFile(node: TreeNode, path: string): string | undefined {
  let current: TreeNode | BlobEntry | undefined = node;
  for (const segment of path.split("/")) {
    if (!current || current.kind !== "tree") return undefined;
    current = current.entries.get(segment);
  }
  return current?.kind === "blob" ? current.content : undefined;
}

export function identityLine(who: GitIdentity, timestamp: number): string {
  return `${who.name} <${who.email}> ${timestamp} +0000`;
}

/** Computes every commit's SHA-1 and which commits end up in the repository. */
export function hashGitPlan(plan: GitPlan): HashedGitPlan {
  const byMark = new Map<number, CommitPlan>();
  const trees = new Map<number, TreeNode>();
  const shas = new Map<number, string>();
  for (const commit of plan.commits) {
    if (byMark.has(commit.mark)) throw new Error(`duplicate mark ${commit.mark}`);
    const parents = commit.parents.map((mark) => {
      const sha = shas.get(mark);
      if (sha === undefined) throw new Error(`commit ${commit.mark}: parent ${mark} is not defined before it`);
      return sha;
    });
    const base = commit.parents.length > 0 ? trees.get(commit.parents[0]!)! : emptyTree();
    const tree = applyChanges(base, commit.files, commit.deletes ?? []);
    const text =
      `tree ${treeSha(tree).toString("hex")}\n` +
      parents.map((parent) => `parent ${parent}\n`).join("") +
      `author ${identityLine(commit.author, commit.timestamp)}\n` +
      `committer ${identityLine(commit.author, commit.timestamp)}\n\n` +
      `${commit.message}\n`;
    byMark.set(commit.mark, commit);
    trees.set(commit.mark, tree);
    shas.set(commit.mark, sha1("commit", Buffer.from(text, "utf8")).toString("hex"));
  }
  for (const [name, mark] of Object.entries(plan.branches)) if (!byMark.has(mark)) throw new Error(`branch ${name}: unknown mark ${mark}`);
  for (const tag of plan.tags) if (!byMark.has(tag.target)) throw new Error(`tag ${tag.name}: unknown mark ${tag.target}`);
  if (plan.branches[plan.head] === undefined) throw new Error(`head branch ${plan.head} is not in the plan`);

  const reachable = new Set<number>();
  for (const [name, mark] of Object.entries(plan.refs ?? {})) if (!byMark.has(mark)) throw new Error(`ref ${name}: unknown mark ${mark}`);
  const stack = [...Object.values(plan.branches), ...Object.values(plan.refs ?? {}), ...plan.tags.map((tag) => tag.target)];
  while (stack.length > 0) {
    const mark = stack.pop()!;
    if (reachable.has(mark)) continue;
    reachable.add(mark);
    stack.push(...byMark.get(mark)!.parents);
  }
  let prefixIndex: Map<string, number> | undefined;
  const commitOf = (mark: number) => {
    const commit = byMark.get(mark);
    if (!commit) throw new Error(`unknown mark ${mark}`);
    return commit;
  };
  return {
    ...plan,
    sha: (mark) => {
      const sha = shas.get(mark);
      if (sha === undefined) throw new Error(`unknown mark ${mark}`);
      return sha;
    },
    inRepository: (mark) => reachable.has(mark),
    markOf: (hash) => {
      if (!prefixIndex) {
        prefixIndex = new Map();
        for (const [mark, sha] of shas) prefixIndex.set(sha.slice(0, 7), mark);
      }
      const mark = prefixIndex.get(hash.slice(0, 7).toLowerCase());
      return mark !== undefined && shas.get(mark)!.startsWith(hash.toLowerCase()) ? mark : undefined;
    },
    pathsAt: (mark) => {
      commitOf(mark);
      const out: string[] = [];
      walkPaths(trees.get(mark)!, "", out);
      return out.sort();
    },
    fileAt: (mark, path) => {
      commitOf(mark);
      return findFile(trees.get(mark)!, path);
    },
    commit: commitOf,
  };
}

// ---------------------------------------------------------------------------------------------
// fast-import

const SCRATCH_REF = "refs/sandbox/build";

/**
 * The `git fast-import` stream (raw dates) that creates the plan's reachable commits, its
 * branches and tags. Commits are written to a scratch ref that `finishRefs` deletes afterwards.
 */
export function fastImportStream(plan: HashedGitPlan): string {
  const parts: string[] = [];
  const data = (content: string) => `data ${Buffer.byteLength(content, "utf8")}\n${content}\n`;
  // fast-import takes the rest of the line as the path; only a leading quote or a newline needs C-style quoting.
  const quote = (file: string) => (/^"|\n/.test(file) ? JSON.stringify(file) : file);
  for (const commit of plan.commits) {
    if (!plan.inRepository(commit.mark)) continue;
    const who = identityLine(commit.author, commit.timestamp);
    let text = "";
    if (commit.parents.length === 0) text += `reset ${SCRATCH_REF}\n\n`;
    text += `commit ${SCRATCH_REF}\nmark :${commit.mark}\nauthor ${who}\ncommitter ${who}\n${data(`${commit.message}\n`)}`;
    commit.parents.forEach((parent, i) => {
      text += `${i === 0 ? "from" : "merge"} :${parent}\n`;
    });
    for (const file of commit.deletes ?? []) text += `D ${quote(file)}\n`;
    for (const [file, content] of Object.entries(commit.files)) text += `M 100644 inline ${quote(file)}\n${data(content)}`;
    parts.push(`${text}\n`);
  }
  for (const [branch, mark] of Object.entries(plan.branches)) parts.push(`reset refs/heads/${branch}\nfrom :${mark}\n\n`);
  for (const [ref, mark] of Object.entries(plan.refs ?? {})) parts.push(`reset ${ref}\nfrom :${mark}\n\n`);
  for (const tag of plan.tags) {
    if (tag.message !== undefined && tag.tagger && tag.timestamp !== undefined) {
      parts.push(`tag ${tag.name}\nfrom :${tag.target}\ntagger ${identityLine(tag.tagger, tag.timestamp)}\n${data(`${tag.message}\n`)}`);
    } else {
      parts.push(`reset refs/tags/${tag.name}\nfrom :${tag.target}\n\n`);
    }
  }
  parts.push("done\n");
  return parts.join("");
}

/** The ref fast-import writes commits to; delete it after the import. */
export const FAST_IMPORT_SCRATCH_REF = SCRATCH_REF;
