import Link from "next/link";
import type { CommitView } from "@/lib/repository";
import { commitTitle } from "@/lib/repository";
import { projectHref, repositoryHref } from "@/lib/projects/urls";
import { Time } from "@/components/ui/time";
import { shortSha } from "@/components/ui/format";
import { DiffView } from "./diff-view";

/** A commit: message, author and committer, parents, and its diff against its first parent. */
export function CommitPage({ fullPath, view }: { fullPath: string; view: CommitView }) {
  const { commit, diff } = view;
  const body = commit.message.split("\n").slice(1).join("\n").trim();
  return (
    <article aria-labelledby="commit-title" data-testid="commit-page" data-sha={commit.id}>
      <header className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <p className="text-sm text-slate-600">
          Commit <code className="font-mono text-xs text-slate-800 break-all">{commit.id}</code>
        </p>
        <h1 id="commit-title" className="mt-1 text-xl font-semibold break-words text-slate-900">
          {commitTitle(commit) || "(no message)"}
        </h1>
        {body && <pre className="mt-2 font-sans text-sm whitespace-pre-wrap text-slate-700">{body}</pre>}
        <p className="mt-2 text-sm text-slate-700">
          <span className="font-medium">{commit.authorName}</span> authored <Time value={new Date(commit.authoredDate)} format="datetime" />
          {commit.committerName !== commit.authorName && (
            <>
              {" "}
              · committed by <span className="font-medium">{commit.committerName}</span>
            </>
          )}
        </p>
        <p className="mt-1 flex flex-wrap gap-2 text-sm text-slate-700">
          {commit.parentIds.length === 0 ? "No parent (the first commit)" : commit.parentIds.length === 1 ? "Parent" : "Parents"}
          {commit.parentIds.map((parent) => (
            <Link key={parent} href={projectHref(fullPath, "commit", parent)} className="font-mono text-xs text-brand-700 hover:underline">
              {shortSha(parent)}
            </Link>
          ))}
          <Link href={repositoryHref(fullPath, "tree", commit.id)} className="ml-auto font-medium text-brand-700 hover:underline">
            Browse files
          </Link>
        </p>
      </header>
      <div className="mt-6">
        <DiffView diff={diff} fullPath={fullPath} refName={commit.id} />
      </div>
    </article>
  );
}
