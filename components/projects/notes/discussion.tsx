import { describePosition, type Discussion } from "@/lib/notes";
import { ActivityList, NoteCard, SystemNote } from "./note";

/** A thread: the first note, replies indented below it; diff threads name their file and line. */
export function DiscussionThread({ discussion }: { discussion: Discussion }) {
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
        <div className="border-b border-slate-200 bg-slate-50 px-4 py-2 font-mono text-xs text-slate-700" data-testid="diff-position">
          {describePosition(discussion.position)}
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

export function DiscussionList({ discussions }: { discussions: readonly Discussion[] }) {
  return (
    <ActivityList entries={discussions} testId="discussions">
      {(discussion) => <DiscussionThread discussion={discussion} />}
    </ActivityList>
  );
}
