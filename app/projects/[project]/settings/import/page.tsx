import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ArchiveImportSettings } from "@/components/archive/archive-import-settings";
import { projectFromParams, type ProjectParams } from "../../project";

export const metadata: Metadata = { title: "Import settings" };

export default async function ImportSettingsRoute({ params }: { params: Promise<ProjectParams> }) {
  const { project, access } = await projectFromParams(params);
  // Settings are for Maintainers and above; others get the same 404 as a missing page.
  if (!access.canManage) notFound();
  return <ArchiveImportSettings project={project} />;
}
