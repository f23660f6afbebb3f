"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { cancelImport, retryFailedItems } from "@/lib/import/control";
import { resumeBitbucketImport } from "@/lib/import/start";

/**
 * The server actions of a project's Import tab. cancelImport, retryFailedItems and resumeBitbucketImport check the
 * right to manage the import (lib/projects/access: requireImportManager), the same rule as the
 * repository picker's Cancel: 404 for those who cannot read the project, 403 for other readers.
 */

const input = z.object({ importId: z.number().int().positive() });

export const cancelProjectImport = userAction("cancel import", input, async ({ importId }, { user }) => {
  await cancelImport(user.id, importId);
  refresh();
  return { importId };
});

export const retryProjectImportFailures = userAction("retry failed import items", input, async ({ importId }, { user }) => {
  await retryFailedItems(user.id, importId);
  refresh();
  return { importId };
});

/** A cancelled or failed import continues where it stopped, in the same project. */
export const resumeProjectImport = userAction("resume import", input, async ({ importId }, { user }) => {
  await resumeBitbucketImport(user, importId);
  refresh();
  return { importId };
});
