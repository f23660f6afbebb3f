import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { LabelList, type ChipLabel } from "@/components/projects/labels/label-chip";
import { projectHref } from "@/lib/projects/urls";
import { NotesSkeleton } from "@/components/ui/skeletons";
import { Time } from "@/components/ui/time";
import { Markdown } from "./markdown";
import { Detail, TitledSection } from "@/components/ui/page-blocks";
import { PersonLabel } from "./person";
import type { Person } from "@/lib/users/people";

/**
 * The byline above an issue's or merge request's title: state badges, "<Kind> #<iid> opened
 * <time> by <author>", and anything after it (the Imported badge).
 */
export function ItemByline({ badges, reference, createdAt, author, children }: { badges: ReactNode; reference: string; createdAt: Date; author: Person; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
      {badges}
      <span>
        {reference} opened <Time value={createdAt} /> by
      </span>
      <span className="font-medium text-slate-800">
        <PersonLabel person={author} />
      </span>
      {children}
    </div>
  );
}

type HeaderProps = { titleId: string; byline: ReactNode; title: string; belowTitle?: ReactNode };
type BodyProps = { description: string; extra?: ReactNode; activity: ReactNode; detailsLabel: string; assignees: Person[]; details: ReactNode };

/** An issue's or merge request's byline, title and anything below it. */
export function ItemHeader({ titleId, byline, title, belowTitle }: HeaderProps) {
  return (
    <header>
      {byline}
      <h1 id={titleId} className="mt-2 text-2xl font-semibold break-words text-slate-900">
        {title}
      </h1>
      {belowTitle}
    </header>
  );
}

/** The description, anything the kind adds below it, and the activity streamed in; the assignees and other details in a sidebar. */
export function ItemBody({ description, extra, activity, detailsLabel, assignees, details }: BodyProps) {
  return (
    <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
      <div className="min-w-0 space-y-6">
        <section aria-label="Description" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          {description.trim() ? <Markdown source={description} /> : <p className="text-sm text-slate-500 italic">No description provided.</p>}
        </section>
        {extra}
        <TitledSection id="activity-heading" title="Activity">
          <Suspense fallback={<NotesSkeleton />}>{activity}</Suspense>
        </TitledSection>
      </div>
      <aside aria-label={detailsLabel} className="h-fit rounded-lg border border-slate-200 bg-white px-4 py-1 shadow-sm">
        <dl>
          <Detail term={assignees.length > 1 ? "Assignees" : "Assignee"}>
            {assignees.length > 0 ? (
              <ul className="space-y-1" data-testid="assignees">
                {assignees.map((person) => (
                  <li key={person.id}>
                    <PersonLabel person={person} />
                  </li>
                ))}
              </ul>
            ) : (
              <span className="text-slate-500">Unassigned</span>
            )}
          </Detail>
          {details}
        </dl>
      </aside>
    </div>
  );
}

/** An issue's or merge request's milestone (linking to the project's milestones) and labels, as sidebar details. */
export function MilestoneAndLabels({ projectPath, milestone, labels }: { projectPath: string; milestone: { title: string } | null; labels: ReadonlyArray<{ label: ChipLabel }> }) {
  return (
    <>
      <Detail term="Milestone">
        {milestone ? (
          <Link href={projectHref(projectPath, "milestones")} className="text-brand-600 hover:underline" data-testid="milestone">
            {milestone.title}
          </Link>
        ) : (
          <span className="text-slate-500">None</span>
        )}
      </Detail>
      <Detail term="Labels">{labels.length > 0 ? <LabelList labels={labels.map(({ label }) => label)} /> : <span className="text-slate-500">None</span>}</Detail>
    </>
  );
}

/** The page of one issue: header and body. */
export function ItemPage(props: HeaderProps & BodyProps) {
  return (
    <article aria-labelledby={props.titleId}>
      <ItemHeader {...props} />
      <ItemBody {...props} />
    </article>
  );
}
