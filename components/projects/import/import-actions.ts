"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/http/action";
import { cancelImport, retryFailedItems } from "@/lib/import/control";
import { projectAccess } from "@/lib/projects/access";
import { findImportProject } from "@/lib/projects/import-details";

const input = z.object({ importId: z.number().int().positive() });

/** Someone who can't read the project learns nothing about it; readers without Maintainer are told so. */
async function requireManage(user: SessionUser, importId: number): Promise<void> {
  const project = await findImportProject(importId);
  const access = project ? await projectAccess(user, project) : null;
  if (!project || !access?.canRead) throw new AppError("not_found", "Import not found.", { status: 404 });
  if (!access.canManage) throw new AppError("forbidden", "You need the Maintainer or Owner role on this project to do that.", { status: 403 });
}

export const cancelProjectImport = userAction("cancel import", input, async ({ importId }, { user }) => {
  await requireManage(user, importId);
  await cancelImport(user.id, importId);
  refresh();
  return { importId };
});

export const retryProjectImportFailures = userAction("retry failed import items", input, async ({ importId }, { user }) => {
  await requireManage(user, importId);
  await retryFailedItems(user.id, importId);
  refresh();
  return { importId };
});
