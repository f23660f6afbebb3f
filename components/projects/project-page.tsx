import { notFound } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/lib/auth";
import type { ProjectAccess } from "@/lib/projects/access";
import {
  getIssue,
  getMergeRequest,
  loadProjectForUser,
  parseIssueState,
  parseMergeRequestState,
  parsePage,
  type Project,
} from "@/lib/projects/queries";
import { readWikiPage } from "@/lib/projects/wiki";
import { ArchiveImportSettings } from "@/components/archive/archive-import-settings";
import { ImportPage } from "./import/import-page";
import { IssuePage } from "./issues/issue-page";
import { IssuesPage } from "./issues/issues-page";
import { LabelsPage } from "@/components/projects/labels/labels-page";
import { MergeRequestPage } from "./merge-requests/merge-request-page";
import { MergeRequestsPage } from "./merge-requests/merge-requests-page";
import { MilestonesPage } from "@/components/projects/milestones/milestones-page";
import { OverviewPage } from "@/components/projects/overview/overview-page";
import { ProjectShell } from "./project-shell";
import { parseProjectRoute, tabOf, type ProjectView } from "@/lib/projects/urls";
import { WikiIndexPage } from "@/components/projects/wikis/wiki-index-page";
import { WikiPageView } from "@/components/projects/wikis/wiki-page";

export type SearchParams = Record<string, string | string[] | undefined>;

export type ResolvedProjectPage = { project: Project; access: ProjectAccess; view: ProjectView };

/**
 * The project and view for catch-all segments, or null for a 404: no such page, no such
 * project, or a project the caller can't read (indistinguishable on purpose). Cached per
 * request so generateMetadata and the page share it.
 */
export const resolveProjectPage = cache(async (key: string): Promise<ResolvedProjectPage | null> => {
  const route = parseProjectRoute(JSON.parse(key) as string[]);
  if (!route) return null;
  const loaded = await loadProjectForUser(await currentUser(), route.fullPath);
  return loaded ? { ...loaded, view: route.view } : null;
});

export function routeKey(segments: readonly string[]): string {
  return JSON.stringify(segments);
}

const VIEW_TITLES: Record<ProjectView["kind"], string> = {
  overview: "",
  issues: "Issues",
  issue: "Issue",
  merge_requests: "Merge requests",
  merge_request: "Merge request",
  labels: "Labels",
  milestones: "Milestones",
  wikis: "Wiki",
  wiki: "Wiki",
  import: "Import",
  settings_import: "Import settings",
};

export function pageTitle({ project, view }: ResolvedProjectPage): string {
  switch (view.kind) {
    case "overview":
      return project.fullPath;
    case "issue":
      return `Issue #${view.iid} · ${project.fullPath}`;
    case "merge_request":
      return `Merge request !${view.iid} · ${project.fullPath}`;
    case "wiki":
      return `${view.slug.split("/").pop()} · Wiki · ${project.fullPath}`;
    default:
      return `${VIEW_TITLES[view.kind]} · ${project.fullPath}`;
  }
}

/** The view's content; throws notFound() for a missing issue, merge request or wiki page (before anything streams). */
async function ViewContent({ resolved, searchParams }: { resolved: ResolvedProjectPage; searchParams: SearchParams }) {
  const { project, access, view } = resolved;
  switch (view.kind) {
    case "overview":
      return <OverviewPage project={project} />;
    case "issues":
      return <IssuesPage project={project} state={parseIssueState(searchParams.state)} page={parsePage(searchParams.page)} canManage={access.canManage} />;
    case "issue": {
      const issue = await getIssue(project.id, view.iid);
      if (!issue) notFound();
      return <IssuePage project={project} issue={issue} />;
    }
    case "merge_requests":
      return <MergeRequestsPage project={project} state={parseMergeRequestState(searchParams.state)} page={parsePage(searchParams.page)} />;
    case "merge_request": {
      const mergeRequest = await getMergeRequest(project.id, view.iid);
      if (!mergeRequest) notFound();
      return <MergeRequestPage mergeRequest={mergeRequest} />;
    }
    case "labels":
      return <LabelsPage project={project} />;
    case "milestones":
      return <MilestonesPage project={project} />;
    case "wikis":
      return <WikiIndexPage project={project} canManage={access.canManage} />;
    case "wiki": {
      const wiki = await readWikiPage(project.id, view.slug);
      if (!wiki) notFound();
      return <WikiPageView project={project} wiki={wiki} />;
    }
    case "import":
      if (!project.import) notFound();
      return <ImportPage project={project} access={access} />;
    case "settings_import":
      // Settings are for Maintainers and above; others get the same 404 as a missing page.
      if (!access.canManage) notFound();
      return <ArchiveImportSettings project={project} />;
  }
}

export async function ProjectPage({ resolved, searchParams }: { resolved: ResolvedProjectPage; searchParams: SearchParams }) {
  // Resolve the content first so a missing item is a real 404, then wrap it in the shell.
  const content = await ViewContent({ resolved, searchParams });
  return (
    <ProjectShell project={resolved.project} active={tabOf(resolved.view)} canManage={resolved.access.canManage}>
      {content}
    </ProjectShell>
  );
}
