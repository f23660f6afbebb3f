import { Suspense } from "react";
import { listLabels, type Project } from "@/lib/projects/queries";
import { plural } from "@/components/ui/format";
import { LabelChip, labelColor } from "@/components/projects/labels/label-chip";
import { ListSkeleton } from "@/components/ui/skeletons";
import { EmptyState, HeaderCell, PageHeading, Table, TableHead } from "@/components/ui/page-blocks";

async function LabelTable({ projectId }: { projectId: number }) {
  const labels = await listLabels(projectId);
  if (labels.length === 0) return <EmptyState testId="labels-empty">This project has no labels.</EmptyState>;
  return (
    <Table caption="Labels">
      <TableHead>
        <HeaderCell>Label</HeaderCell>
        <HeaderCell>Description</HeaderCell>
        <HeaderCell className="text-right">Issues</HeaderCell>
      </TableHead>
      <tbody>
        {labels.map((label) => (
          <tr key={label.id} className="border-t border-slate-100" data-testid="label-row">
            <th scope="row" className="px-4 py-2.5 text-left font-normal">
              <span className="flex items-center gap-2">
                <span
                  aria-hidden
                  className="h-4 w-4 shrink-0 rounded border border-slate-200"
                  style={{ backgroundColor: labelColor(label.color) }}
                  title={labelColor(label.color)}
                />
                <LabelChip label={label} />
              </span>
            </th>
            <td className="px-4 py-2.5 text-slate-600">{label.description || <span className="text-slate-400">No description</span>}</td>
            <td className="px-4 py-2.5 text-right whitespace-nowrap text-slate-700">{plural(label.issueCount, "issue")}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function LabelsPage({ project }: { project: Project }) {
  return (
    <div>
      <PageHeading title="Labels" />
      <div className="mt-4">
        <Suspense fallback={<ListSkeleton label="Loading labels" />}>
          <LabelTable projectId={project.id} />
        </Suspense>
      </div>
    </div>
  );
}
