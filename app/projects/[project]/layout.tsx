import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ProjectShell } from "@/components/projects/project-shell";
import { canonicalProjectUrl, PUBLIC_URL_HEADER } from "@/lib/projects/urls";
import { findGroupFromParams, findProjectFromParams, projectFromParams, type ProjectParams } from "./project";

type Props = { params: Promise<ProjectParams>; children: ReactNode };

const NOT_FOUND: Metadata = { title: { default: "Not found", template: "Not found · Ferry" } };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const loaded = await findProjectFromParams(params);
  if (loaded) return { title: { default: loaded.project.fullPath, template: `%s · ${loaded.project.fullPath} · Ferry` } };
  // The template has no "%s": a page below says nothing more than that, whatever the URL names.
  const group = await findGroupFromParams(params);
  return group ? { title: { default: group.name, template: `${group.name} · Ferry` } } : NOT_FOUND;
}

export default async function ProjectLayout({ params, children }: Props) {
  const loaded = await findProjectFromParams(params);
  if (!loaded) {
    // A group's page is the route's overview; its path followed by "/-/…" names no page.
    const isOverview = !((await headers()).get(PUBLIC_URL_HEADER) ?? "").split("?")[0]!.includes("/-/");
    if (isOverview && (await findGroupFromParams(params))) return children;
    notFound();
  }
  const { project, access, requestedPath } = await projectFromParams(params);
  // A differently cased path finds the project too; send the browser to the canonical one.
  if (requestedPath !== project.fullPath) {
    redirect(canonicalProjectUrl((await headers()).get(PUBLIC_URL_HEADER) ?? "", requestedPath, project.fullPath));
  }
  return (
    <ProjectShell project={project} canManage={access.canManage}>
      {children}
    </ProjectShell>
  );
}
