import { listLabels } from "@/lib/labels";
import type { Project } from "@/lib/projects/read";
import { plural } from "@/components/ui/format";
import { DataTable, EmptyState } from "@/components/ui/page-blocks";
import { ListPage } from "../list-page";
import { LabelChip, labelColor } from "./label-chip";

async function LabelTable({ projectId }: { projectId: number }) {
  const labels = (await listLabels(projectId)).items;
  if (labels.length === 0) return <EmptyState testId="labels-empty">This project has no labels.</EmptyState>;
  return (
    <DataTable caption="Labels" columns={["Label", "Description", { label: "Issues", align: "right" }]}>
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
          <td className="px-4 py-2.5 text-right whitespace-nowrap text-slate-700">{plural(label.openIssues + label.closedIssues, "issue")}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function LabelsPage({ project }: { project: Project }) {
  return <ListPage title="Labels"><LabelTable projectId={project.id} /></ListPage>;
}
