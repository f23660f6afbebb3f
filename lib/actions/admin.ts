"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/actions/wrapper";
import { updateSettings, userMappingSchema } from "@/lib/settings";
import { createLocalUser, localUserSchema } from "@/lib/users/create";

function requireAdmin(user: SessionUser): void {
  if (!user.isAdmin) throw new AppError("forbidden", "Only administrators can do that.");
}

export const createUserAsAdmin = userAction("admin create user", localUserSchema, async (input, { user }) => {
  requireAdmin(user);
  const created = await createLocalUser(input);
  refresh();
  return { username: created.username };
});

export const saveSettings = userAction(
  "admin settings",
  // Every field, no defaults: what the form shows is what is stored.
  z.object({
    bitbucketSignInEnabled: z.boolean(),
    githubSignInEnabled: z.boolean(),
    importSources: z.object({ bitbucket_cloud: z.boolean(), bitbucket_server: z.boolean(), github: z.boolean() }),
    defaultUserMapping: userMappingSchema,
    importRateLimitPerMinute: z.number().int("must be a whole number").min(1, "must be at least 1").max(100_000),
  }),
  async (patch, { user }) => {
    requireAdmin(user);
    const saved = await updateSettings(patch);
    refresh();
    return saved;
  },
);
