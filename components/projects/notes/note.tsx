import type { ReactNode } from "react";
import { unmappedSourceName } from "@/lib/users/people";
import type { NoteItem } from "@/lib/notes";
import { ImportedBadge } from "../badges";
import { Markdown } from "../markdown";
import { Avatar, PersonLabel } from "../person";
import { Time } from "@/components/ui/time";

/** A comment: author, time, Imported badge, body. */
export function NoteCard({ note, bare = false }: { note: NoteItem; bare?: boolean }) {
  return (
    <article
      id={`note_${note.id}`}
      data-testid="note"
      className={bare ? "px-4 py-3" : "rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm"}
      aria-label={`Comment by ${note.author.name || note.author.username}`}
    >
      {/* Rewritten links to a Bitbucket comment (#comment-7) point here. */}
      {note.sourceId && <span id={`source-note-${note.sourceId}`} />}
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <span className="font-medium text-slate-900">
          <PersonLabel person={note.author} />
        </span>
        <span className="text-slate-500">@{note.author.username}</span>
        <span aria-hidden className="text-slate-300">·</span>
        <a href={`#note_${note.id}`} className="text-slate-500 hover:underline">
          <Time value={note.createdAt} />
        </a>
        <ImportedBadge from={note.importedFrom} />
      </header>
      <div className="mt-2">
        <Markdown source={note.body} />
      </div>
    </article>
  );
}

/**
 * A system note ("changed the description", "closed"): one muted line. An imported change by
 * someone who is not a Ferry user names that person (the note itself belongs to the importer).
 */
export function SystemNote({ note }: { note: NoteItem }) {
  const sourceName = unmappedSourceName(note.sourceAuthor);
  return (
    <div
      id={`note_${note.id}`}
      data-testid="system-note"
      aria-label="System note"
      className="flex items-start gap-2 rounded-md border-l-2 border-slate-200 bg-slate-50/60 px-2 py-1.5 text-sm text-slate-600"
    >
      {note.sourceId && <span id={`source-note-${note.sourceId}`} />}
      <span aria-hidden className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-slate-300" />
      {!sourceName && <Avatar person={note.author} />}
      <div className="min-w-0 flex-1">
        {sourceName ? (
          <span className="font-medium text-slate-700" title={`${sourceName} at the source; not linked to a Ferry user`} data-testid="source-actor">
            {sourceName}
          </span>
        ) : (
          <span className="font-medium text-slate-700">{note.author.name || note.author.username}</span>
        )}{" "}
        <Markdown source={note.body} className="inline text-slate-600 [&_p]:my-0 [&_p]:inline" />
        <span className="ml-1 text-xs text-slate-500">
          <Time value={note.createdAt} />
        </span>{" "}
        <ImportedBadge from={note.importedFrom} />
      </div>
    </div>
  );
}

/** An item's activity in order, or a line saying there is none yet. */
export function ActivityList<Entry extends { id: number | string }>({ entries, testId, children }: { entries: readonly Entry[]; testId: string; children: (entry: Entry) => ReactNode }) {
  if (entries.length === 0) return <p className="text-sm text-slate-500">No comments yet.</p>;
  return (
    <ol className="space-y-3" data-testid={testId}>
      {entries.map((entry) => (
        <li key={entry.id}>{children(entry)}</li>
      ))}
    </ol>
  );
}

/** Notes in order (issues): comments as cards, system notes as lines. */
export function NoteList({ notes }: { notes: readonly NoteItem[] }) {
  return (
    <ActivityList entries={notes} testId="notes">
      {(note) => (note.system ? <SystemNote note={note} /> : <NoteCard note={note} />)}
    </ActivityList>
  );
}
