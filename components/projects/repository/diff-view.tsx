import Link from "next/link";
import type { ReactNode } from "react";
import type { DiffLine, FileDiff } from "@/lib/git";
import { COLLAPSE_FILE_LINES, type Diff } from "@/lib/repository";
import { repositoryHref } from "@/lib/projects/urls";
import { plural } from "@/components/ui/format";

const LINE_TONES = { added: "bg-green-50", removed: "bg-red-50", context: "" } as const;
const MARKERS = { added: "+", removed: "-", context: " " } as const;

export type DiffSlots = {
  /** Shown below a line (a merge request's discussions on it). */
  belowLine?: (fileIndex: number, line: DiffLine) => ReactNode;
  /** Shown at the top of a file (discussions on the whole file). */
  onFile?: (fileIndex: number) => ReactNode;
  /** Whether a file starts expanded whatever its size. */
  keepOpen?: (fileIndex: number) => boolean;
};

function fileTitle(file: FileDiff): string {
  return file.status === "renamed" || file.status === "copied" ? `${file.oldPath} → ${file.newPath}` : file.newPath;
}

const STATUS_LABELS: Record<FileDiff["status"], string> = { added: "added", deleted: "deleted", modified: "modified", renamed: "renamed", copied: "copied", type_changed: "type changed" };

function DiffLines({ file, fileIndex, slots }: { file: FileDiff; fileIndex: number; slots: DiffSlots }) {
  return (
    <div role="region" aria-label={`Changes to ${file.newPath}`} tabIndex={0} className="overflow-x-auto font-mono text-xs leading-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
      <div className="min-w-fit">
        {file.hunks.map((hunk, hunkIndex) => (
          <div key={hunkIndex}>
            <div className="bg-brand-50 px-3 text-slate-700">{hunk.header}</div>
            {hunk.lines.map((line, lineIndex) => {
              const below = slots.belowLine?.(fileIndex, line);
              return (
                <div key={lineIndex}>
                  <div className={`flex ${LINE_TONES[line.kind]}`} data-testid="diff-line" data-kind={line.kind} data-old-line={line.oldLine ?? undefined} data-new-line={line.newLine ?? undefined}>
                    <span className="w-10 shrink-0 pr-1 text-right text-slate-600 select-none">{line.oldLine ?? ""}</span>
                    <span className="w-10 shrink-0 border-r border-slate-200 pr-1 text-right text-slate-600 select-none">{line.newLine ?? ""}</span>
                    <span aria-hidden className="w-4 shrink-0 text-center text-slate-600 select-none">
                      {MARKERS[line.kind]}
                    </span>
                    <span className="sr-only">{line.kind === "context" ? "" : `${line.kind} line: `}</span>
                    <code className="pr-4 whitespace-pre">{line.text || " "}</code>
                  </div>
                  {/* Kept in view while long lines scroll sideways: at most as wide as the window. */}
                  {below && <div className="sticky left-0 max-w-[calc(100vw-2rem-2px)] border-y border-slate-200 bg-slate-50 px-3 py-2 font-sans text-sm whitespace-normal sm:max-w-none">{below}</div>}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

/** One file's diff: a header with its path and counts; large files start collapsed. */
function FileDiffView({ file, fileIndex, fullPath, refName, slots }: { file: FileDiff; fileIndex: number; fullPath: string; refName: string; slots: DiffSlots }) {
  const size = file.hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
  const open = size <= COLLAPSE_FILE_LINES || (slots.keepOpen?.(fileIndex) ?? false);
  const fileLink = file.status === "deleted" ? null : repositoryHref(fullPath, "blob", refName, file.newPath);
  const body = file.tooLarge ? (
    <p className="px-4 py-3 text-sm text-slate-600">This diff is too large to show here.</p>
  ) : file.binary ? (
    <p className="px-4 py-3 text-sm text-slate-600">Binary file.</p>
  ) : file.hunks.length === 0 ? (
    <p className="px-4 py-3 text-sm text-slate-600">No changes to the content.</p>
  ) : (
    <DiffLines file={file} fileIndex={fileIndex} slots={slots} />
  );
  return (
    <details open={open} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="file-diff" data-path={file.newPath} id={`diff-file-${fileIndex}`}>
      <summary className="flex cursor-pointer flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2 text-sm">
        <span className="min-w-0 font-mono text-xs font-medium break-all text-slate-900">{fileTitle(file)}</span>
        <span className="flex shrink-0 items-center gap-2 text-xs">
          <span className="text-slate-600">{STATUS_LABELS[file.status]}</span>
          <span className="text-green-800">+{file.additions}</span>
          <span className="text-red-800">−{file.deletions}</span>
          {!open && <span className="text-slate-600">(collapsed: {plural(size, "line")})</span>}
        </span>
      </summary>
      {slots.onFile?.(fileIndex)}
      {body}
      {fileLink && (
        <p className="border-t border-slate-100 px-4 py-1.5 text-right text-xs">
          <Link href={fileLink} className="text-brand-700 hover:underline">
            View file at {refName.length === 40 ? refName.slice(0, 8) : refName}
          </Link>
        </p>
      )}
    </details>
  );
}

/** Every file of a diff, with totals; files past the diff's budget are listed without lines. */
export function DiffView({ diff, fullPath, refName, slots = {} }: { diff: Diff; fullPath: string; refName: string; slots?: DiffSlots }) {
  const additions = diff.files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = diff.files.reduce((sum, file) => sum + file.deletions, 0);
  return (
    <div data-testid="diff">
      <p className="text-sm text-slate-700">
        {plural(diff.files.length, "changed file")}
        {diff.truncated && " (more not listed)"} with <span className="text-green-800">{plural(additions, "addition")}</span> and{" "}
        <span className="text-red-800">{plural(deletions, "deletion")}</span>
      </p>
      <div className="mt-3 space-y-4">
        {diff.files.map((file, index) => (
          <FileDiffView key={index} file={file} fileIndex={index} fullPath={fullPath} refName={refName} slots={slots} />
        ))}
      </div>
    </div>
  );
}
