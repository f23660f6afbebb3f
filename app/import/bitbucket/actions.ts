"use server";

import { z } from "zod";
import { userAction } from "@/lib/http/action";
import { repositoryFullNameSchema, startBitbucketImport } from "@/lib/import/start";

export const importRepository = userAction(
  "import bitbucket repository",
  z.object({ repository: repositoryFullNameSchema }),
  // The target is the caller's own personal namespace, so signing in is the permission needed.
  async ({ repository }, { user }) => startBitbucketImport(user, { repository }),
);
