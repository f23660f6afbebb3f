import type { ReactNode } from "react";
import { describePosition, type Discussion } from "@/lib/notes";
import { ActivityList, NoteCard, SystemNote } from "./note";

/** The element id of a diff discussion on the Changes tab. */
export function discussionAnchor(discussionId: string): string {
  return `discussion_${discussionId}`;
}

/**
 * A thread: the first note, replies indented below it; diff threads name their file and line,
 * linked to the thread on the Changes tab when `changesHref` is given.
 */
export function DiscussionThread({ discussion, changesHref, badge }: { discussion: Discussion; changesHref?: string; badge?: ReactNode }) {
  const [first, ...replies] = discussion.notes;
  if (first.system && replies.length === 0) return <SystemNote note={first} />;
  return (
    <section
      data-testid="discussion"
      data-discussion-id={discussion.id}
      aria-label={discussion.position ? `Discussion on ${describePosition(discussion.position)}` : "Discussion"}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      {discussion.position && (
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2 font-mono text-xs break-all text-slate-700" data-testid="diff-position">
          {changesHref ? (
            <a href={`${changesHref}#${discussionAnchor(discussion.id)}`} className="text-brand-700 hover:underline" data-testid="diff-position-link">
              {describePosition(discussion.position)}
            </a>
          ) : (
            describePosition(discussion.position)
          )}
          {badge}
        </div>
      )}
      <NoteCard note={first} bare />
      {replies.length > 0 && (
        <ol aria-label="Replies" className="border-t border-slate-100 bg-slate-50/50 pl-8">
          {replies.map((reply) => (
            <li key={reply.id} className="border-b border-l border-slate-100 last:border-b-0" data-testid="reply">
              {reply.system ? <SystemNote note={reply} /> : <NoteCard note={reply} bare />}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function DiscussionList({ discussions, changesHref }: { discussions: readonly Discussion[]; changesHref?: string }) {
  return (
    <ActivityList entries={discussions} testId="discussions">
      {(discussion) => <DiscussionThread discussion={discussion} changesHref={changesHref} />}
    </ActivityList>
  );
}
