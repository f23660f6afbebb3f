import Link from "next/link";
import type { BlobView, RepositoryLocation } from "@/lib/repository";
import { repositoryHref } from "@/lib/projects/urls";
import { Badge } from "@/components/projects/badges";
import { plural } from "@/components/ui/format";
import { CodeLines } from "./code";
import { formatBytes } from "./format";
import { PathBreadcrumbs } from "./path-breadcrumbs";

function BlobBody({ fullPath, location, blob }: { fullPath: string; location: RepositoryLocation; blob: BlobView }) {
  const raw = repositoryHref(fullPath, "raw", location.ref, location.path);
  const message = "px-4 py-6 text-center text-sm text-slate-600";
  switch (blob.display) {
    case "text":
      return <CodeLines lines={blob.lines} label={`Content of ${blob.name}`} />;
    case "image":
      return (
        <div className="flex justify-center bg-slate-50 p-4">
          <img src={raw} alt={blob.name} className="max-h-[32rem] max-w-full" data-testid="blob-image" />
        </div>
      );
    case "lfs_missing":
      return <p className={message}>This file is stored with Git LFS and its content has not been imported.</p>;
    case "too_large":
      return (
        <p className={message}>
          This file is too large to show here. <a href={raw} className="font-medium text-brand-700 hover:underline">Download it</a>.
        </p>
      );
    case "binary":
      return (
        <p className={message}>
          This is a binary file. <a href={raw} className="font-medium text-brand-700 hover:underline">Download it</a>.
        </p>
      );
  }
}

/** A file at a ref: path, size, LFS marker, raw and history links, and its content with line anchors. */
export function BlobViewPage({ fullPath, location, blob }: { fullPath: string; location: RepositoryLocation; blob: BlobView }) {
  return (
    <div data-testid="blob-view">
      <PathBreadcrumbs fullPath={fullPath} refName={location.ref} path={location.path} />
      <div className="mt-3 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2 text-sm">
          <span className="flex flex-wrap items-center gap-2 text-slate-700">
            <span className="font-medium break-all text-slate-900">{blob.name}</span>
            <span>{formatBytes(blob.size)}</span>
            {blob.display === "text" && <span>{plural(blob.lines.length, "line")}</span>}
            {blob.lfs && (
              <Badge title="The repository holds a pointer; Ferry serves the stored content." testId="lfs-badge">
                Stored with Git LFS
              </Badge>
            )}
          </span>
          <span className="flex gap-3">
            <Link href={repositoryHref(fullPath, "commits", location.ref, location.path)} className="font-medium text-brand-700 hover:underline">
              History
            </Link>
            <a href={repositoryHref(fullPath, "raw", location.ref, location.path)} className="font-medium text-brand-700 hover:underline">
              Raw
            </a>
          </span>
        </div>
        <BlobBody fullPath={fullPath} location={location} blob={blob} />
      </div>
    </div>
  );
}
