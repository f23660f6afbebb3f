import type { DiffLine } from "@/lib/git";
import { describePosition, type Discussion } from "@/lib/notes";
import { lineKey, type MergeRequestChanges, type OutdatedDiscussion } from "@/lib/merge-requests";
import { Badge } from "@/components/projects/badges";
import { EmptyState, TitledSection } from "@/components/ui/page-blocks";
import { shortSha } from "@/components/ui/format";
import { DiffView } from "@/components/projects/repository/diff-view";
import { DiscussionThread, discussionAnchor } from "../notes/discussion";

function Threads({ discussions }: { discussions: readonly Discussion[] }) {
  return (
    <div className="space-y-2">
      {discussions.map((discussion) => (
        <div key={discussion.id} id={discussionAnchor(discussion.id)} className="scroll-mt-4" data-testid="diff-discussion">
          <DiscussionThread discussion={discussion} />
        </div>
      ))}
    </div>
  );
}

const OutdatedBadge = () => (
  <Badge tone="amber" title="The line this was written on is not in the current diff" testId="outdated-badge">
    Outdated
  </Badge>
);

/** An outdated thread with the lines it was written on, from the commit its position names. */
function OutdatedThread({ item }: { item: OutdatedDiscussion }) {
  const { discussion, context } = item;
  return (
    <div id={discussionAnchor(discussion.id)} className="scroll-mt-4 space-y-2" data-testid="outdated-discussion">
      {context ? (
        <figure className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <figcaption className="border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-xs text-slate-700">
            {discussion.position!.path} at <code className="font-mono">{shortSha(context.commit)}</code>, as it was when commented on
          </figcaption>
          <div role="region" aria-label={`Original lines of ${discussion.position!.path}`} tabIndex={0} className="overflow-x-auto font-mono text-xs leading-5">
            <div className="min-w-fit">
              {context.lines.map((text, index) => {
                const number = context.start + index;
                const commented = number === context.line;
                return (
                  <div key={number} className={`flex ${commented ? "bg-amber-100" : ""}`} data-testid={commented ? "original-line" : undefined}>
                    <span className="w-10 shrink-0 border-r border-slate-200 pr-1 text-right text-slate-600 select-none">{number}</span>
                    <code className="pl-3 pr-4 whitespace-pre">{text || " "}</code>
                  </div>
                );
              })}
            </div>
          </div>
        </figure>
      ) : (
        <p className="text-sm text-slate-600">The lines this was written on are no longer in the repository.</p>
      )}
      <DiscussionThread discussion={discussion} badge={<OutdatedBadge />} />
    </div>
  );
}

/** Every diff discussion as a link to where it sits, outdated ones marked. */
function DiscussionIndex({ changes }: { changes: MergeRequestChanges }) {
  const placed = [...changes.placement.onLine.values(), ...changes.placement.onFile.values()].flat();
  const entries = [...placed.map((discussion) => ({ discussion, outdated: false })), ...changes.outdated.map(({ discussion }) => ({ discussion, outdated: true }))];
  if (entries.length === 0) return null;
  return (
    <nav aria-label="Discussions on the changes" className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm">
      <h2 className="font-semibold text-slate-900">Discussions on the changes</h2>
      <ul className="mt-2 space-y-1">
        {entries.map(({ discussion, outdated }) => (
          <li key={discussion.id} className="flex flex-wrap items-center gap-2">
            <a href={`#${discussionAnchor(discussion.id)}`} className="font-mono text-xs break-all text-brand-700 hover:underline" data-testid="discussion-index-link">
              {describePosition(discussion.position!)}
            </a>
            {outdated && <OutdatedBadge />}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The Changes tab: the diff with its discussions at their lines, then the outdated ones. */
export function ChangesTab({ fullPath, changes }: { fullPath: string; changes: MergeRequestChanges }) {
  const { placement } = changes;
  const onLine = (fileIndex: number, line: DiffLine) => {
    const discussions = placement.onLine.get(lineKey(fileIndex, line));
    return discussions && <Threads discussions={discussions} />;
  };
  const onFile = (fileIndex: number) => {
    const discussions = placement.onFile.get(fileIndex);
    return discussions && <div className="border-b border-slate-200 bg-slate-50 px-3 py-2">{<Threads discussions={discussions} />}</div>;
  };
  const withDiscussions = new Set([...placement.onFile.keys(), ...[...placement.onLine.keys()].map((key) => Number(key.split(":")[0]))]);
  return (
    <div className="space-y-6" data-testid="changes-tab">
      <p className="text-sm text-slate-600">
        Changes from <code className="font-mono text-xs">{shortSha(changes.base)}</code> (where the branches meet) to{" "}
        <code className="font-mono text-xs">{shortSha(changes.head)}</code>.
      </p>
      <DiscussionIndex changes={changes} />
      {changes.diff.files.length === 0 ? (
        <EmptyState>No changes.</EmptyState>
      ) : (
        <DiffView diff={changes.diff} fullPath={fullPath} refName={changes.head} slots={{ belowLine: onLine, onFile, keepOpen: (index) => withDiscussions.has(index) }} />
      )}
      {changes.outdated.length > 0 && (
        <TitledSection id="outdated-heading" title="Outdated discussions">
          <div className="space-y-4">
            {changes.outdated.map((item) => (
              <OutdatedThread key={item.discussion.id} item={item} />
            ))}
          </div>
        </TitledSection>
      )}
    </div>
  );
}
