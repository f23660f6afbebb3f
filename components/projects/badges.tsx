import type { ReactNode } from "react";
import type { ImportStatus, IssueState, MergeRequestState, MilestoneState, Visibility } from "@/lib/generated/prisma/enums";
import { IMPORT_STATUS_LABELS } from "@/lib/import/status-vocabulary";

type Tone = "green" | "blue" | "purple" | "red" | "amber" | "slate";

const TONES: Record<Tone, string> = {
  green: "border-green-200 bg-green-50 text-green-800",
  blue: "border-brand-100 bg-brand-50 text-brand-700",
  purple: "border-violet-200 bg-violet-50 text-violet-800",
  red: "border-red-200 bg-red-50 text-red-800",
  amber: "border-amber-200 bg-amber-50 text-amber-900",
  slate: "border-slate-200 bg-slate-100 text-slate-700",
};

export function Badge({ tone = "slate", title, children, testId }: { tone?: Tone; title?: string; children: ReactNode; testId?: string }) {
  return (
    <span
      title={title}
      data-testid={testId}
      className={`inline-flex shrink-0 items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

const SOURCE_NAMES: Record<string, string> = { bitbucket: "Bitbucket", bitbucket_cloud: "Bitbucket", github: "GitHub", gitlab: "GitLab" };

/** "bitbucket" → "Bitbucket" */
export function sourceName(source: string): string {
  return SOURCE_NAMES[source.toLowerCase()] ?? (source.charAt(0).toUpperCase() + source.slice(1)).replace(/_/g, " ");
}

/** Marks an issue, merge request or note that came from an import. */
export function ImportedBadge({ from }: { from: string | null | undefined }) {
  if (!from) return null;
  return (
    <span
      title={`Imported from ${sourceName(from)}`}
      data-testid="imported-badge"
      className="inline-flex shrink-0 cursor-help items-center rounded border border-slate-300 bg-white px-1.5 py-px text-xs font-medium text-slate-600"
    >
      Imported
    </span>
  );
}

const VISIBILITY: Record<Visibility, { label: string; description: string }> = {
  private: { label: "Private", description: "Only members can see this project." },
  internal: { label: "Internal", description: "Only members can see this project." },
  public: { label: "Public", description: "Anyone can see this project." },
};

/** `descriptions` says who can see it for things other than projects (snippets). */
export function VisibilityBadge({ visibility, descriptions }: { visibility: Visibility; descriptions?: Record<Visibility, string> }) {
  const { label } = VISIBILITY[visibility];
  const description = descriptions?.[visibility] ?? VISIBILITY[visibility].description;
  return (
    <Badge tone={visibility === "public" ? "green" : "slate"} title={description} testId="visibility-badge">
      {label}
    </Badge>
  );
}

export function IssueStateBadge({ state }: { state: IssueState }) {
  return state === "opened" ? <Badge tone="green">Open</Badge> : <Badge tone="blue">Closed</Badge>;
}

export function MergeRequestStateBadge({ state }: { state: MergeRequestState }) {
  if (state === "merged") return <Badge tone="purple">Merged</Badge>;
  if (state === "closed") return <Badge tone="red">Closed</Badge>;
  return <Badge tone="green">Open</Badge>;
}

export function MilestoneStateBadge({ state }: { state: MilestoneState }) {
  return state === "active" ? <Badge tone="green">Open</Badge> : <Badge tone="blue">Closed</Badge>;
}

const IMPORT_TONES: Record<ImportStatus, Tone> = {
  scheduled: "slate",
  started: "blue",
  finished: "green",
  partial: "amber",
  failed: "red",
  canceled: "slate",
};

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  return (
    <Badge tone={IMPORT_TONES[status]} testId="import-status">
      {IMPORT_STATUS_LABELS[status]}
    </Badge>
  );
}
