import { listMilestones, type MilestoneWithCounts } from "@/lib/milestones";
import type { Project } from "@/lib/projects/read";
import { MilestoneStateBadge } from "@/components/projects/badges";
import { Time } from "@/components/ui/time";
import { DataTable, EmptyState } from "@/components/ui/page-blocks";
import { ListPage } from "../list-page";

function Progress({ milestone }: { milestone: MilestoneWithCounts }) {
  const total = milestone.openIssues + milestone.closedIssues;
  const percent = total === 0 ? 0 : Math.round((milestone.closedIssues / total) * 100);
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={`${milestone.title} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-24 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full bg-green-500" style={{ width: `${percent}%` }} />
      </div>
      <span className="text-xs text-slate-600">{percent}%</span>
    </div>
  );
}

async function MilestoneTable({ projectId }: { projectId: number }) {
  const milestones = (await listMilestones(projectId)).items;
  if (milestones.length === 0) return <EmptyState testId="milestones-empty">This project has no milestones.</EmptyState>;
  return (
    <DataTable
      caption="Milestones"
      columns={["Milestone", "State", { label: "Open issues", align: "right" }, { label: "Closed issues", align: "right" }, "Progress"]}
    >
      {milestones.map((milestone) => (
        <tr key={milestone.id} className="border-t border-slate-100 align-top" data-testid="milestone-row">
          <th scope="row" className="px-4 py-2.5 text-left font-normal">
            <span className="font-medium text-slate-900">{milestone.title}</span>
            {milestone.dueDate && (
              <span className="block text-xs text-slate-500">
                Due <Time value={milestone.dueDate} format="date" />
              </span>
            )}
            {milestone.description && <span className="mt-0.5 block text-xs text-slate-600">{milestone.description}</span>}
          </th>
          <td className="px-4 py-2.5">
            <MilestoneStateBadge state={milestone.state} />
          </td>
          <td className="px-4 py-2.5 text-right text-slate-700">{milestone.openIssues}</td>
          <td className="px-4 py-2.5 text-right text-slate-700">{milestone.closedIssues}</td>
          <td className="px-4 py-2.5">
            <Progress milestone={milestone} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function MilestonesPage({ project }: { project: Project }) {
  return <ListPage title="Milestones"><MilestoneTable projectId={project.id} /></ListPage>;
}
