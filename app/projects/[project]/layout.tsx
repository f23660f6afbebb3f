import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ProjectShell } from "@/components/projects/project-shell";
import { canonicalProjectUrl, PUBLIC_URL_HEADER } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "./project";

type Props = { params: Promise<ProjectParams>; children: ReactNode };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await projectFromParams(params);
  return { title: { default: project.fullPath, template: `%s · ${project.fullPath} · Ferry` } };
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
