import Link from "next/link";
import type { RepositoryLocation, TreeView } from "@/lib/repository";
import { repositoryHref } from "@/lib/projects/urls";
import { EmptyState } from "@/components/ui/page-blocks";
import { formatBytes } from "./format";
import { PathBreadcrumbs } from "./path-breadcrumbs";

/** A directory at a ref: its subdirectories, then its files, each a link. */
export function TreeViewPage({ fullPath, location, tree }: { fullPath: string; location: RepositoryLocation; tree: TreeView }) {
  return (
    <div data-testid="tree-view">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <PathBreadcrumbs fullPath={fullPath} refName={location.ref} path={location.path} />
        <Link href={repositoryHref(fullPath, "commits", location.ref, location.path)} className="text-sm font-medium text-brand-700 hover:underline">
          History
        </Link>
      </div>
      <div className="mt-3">
        {tree.entries.length === 0 ? (
          <EmptyState>This directory is empty.</EmptyState>
        ) : (
          <ul aria-label="Files" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            {tree.entries.map((entry) => (
              <li key={entry.path} className="flex items-center justify-between gap-3 px-4 py-2" data-testid="tree-entry" data-type={entry.type}>
                <span className="flex min-w-0 items-center gap-2">
                  <span aria-hidden className="w-4 shrink-0 text-slate-500">
                    {entry.type === "tree" ? "▸" : entry.type === "commit" ? "⇲" : "·"}
                  </span>
                  {entry.type === "commit" ? (
                    <span className="break-all text-slate-700" title="Submodule">
                      {entry.name} <span className="text-xs text-slate-600">(submodule)</span>
                    </span>
                  ) : (
                    <Link href={repositoryHref(fullPath, entry.type === "tree" ? "tree" : "blob", location.ref, entry.path)} className="break-all text-brand-700 hover:underline">
                      {entry.name}
                      {entry.type === "tree" && <span className="sr-only"> (directory)</span>}
                    </Link>
                  )}
                </span>
                {entry.size !== null && <span className="shrink-0 text-xs text-slate-600">{formatBytes(entry.size)}</span>}
              </li>
            ))}
          </ul>
        )}
        {tree.truncated && <p className="mt-2 text-sm text-slate-600">Only the first entries of this directory are listed.</p>}
      </div>
    </div>
  );
}
