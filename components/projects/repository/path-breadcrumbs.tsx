import Link from "next/link";
import { repositoryHref } from "@/lib/projects/urls";

/** The ref, then the path's directories as links into the tree, the last segment as plain text. */
export function PathBreadcrumbs({ fullPath, refName, path }: { fullPath: string; refName: string; path: string }) {
  const segments = path ? path.split("/") : [];
  return (
    <nav aria-label="File path" className="flex min-w-0 flex-wrap items-center gap-1 text-sm" data-testid="path-breadcrumbs">
      <span className="rounded bg-brand-50 px-1.5 py-0.5 font-mono text-xs break-all text-brand-700" data-testid="current-ref">
        {refName}
      </span>
      <Link href={repositoryHref(fullPath, "tree", refName)} className="font-medium text-brand-700 hover:underline">
        {fullPath.split("/").at(-1)}
      </Link>
      {segments.map((segment, index) => {
        const last = index === segments.length - 1;
        return (
          <span key={index} className="flex min-w-0 items-center gap-1">
            <span aria-hidden className="text-slate-400">
              /
            </span>
            {last ? (
              <span className="font-medium break-all text-slate-900" aria-current="page">
                {segment}
              </span>
            ) : (
              <Link href={repositoryHref(fullPath, "tree", refName, segments.slice(0, index + 1).join("/"))} className="break-all text-brand-700 hover:underline">
                {segment}
              </Link>
            )}
          </span>
        );
      })}
    </nav>
  );
}
