import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ProjectShell } from "@/components/projects/project-shell";
import { canonicalProjectUrl, PUBLIC_URL_HEADER } from "@/lib/projects/urls";
import { findProjectFromParams, projectFromParams, type ProjectParams } from "./project";

type Props = { params: Promise<ProjectParams>; children: ReactNode };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const loaded = await findProjectFromParams(params);
  // The template has no "%s": a page below says nothing more than that, whatever the URL names.
  if (!loaded) return { title: { default: "Not found", template: "Not found · Ferry" } };
  return { title: { default: loaded.project.fullPath, template: `%s · ${loaded.project.fullPath} · Ferry` } };
}

export default async function ProjectLayout({ params, children }: Props) {
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
