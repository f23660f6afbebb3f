import { z } from "zod";
import { db } from "@/lib/db";

/** Import sources Ferry knows; only bitbucket_cloud has an adapter today. */
export const IMPORT_SOURCES = ["bitbucket_cloud", "bitbucket_server", "github"] as const;
export type ImportSourceName = (typeof IMPORT_SOURCES)[number];

export const userMappingSchema = z.enum(["attribution", "placeholders"]);
export type UserMapping = z.infer<typeof userMappingSchema>;

/** Instance-wide settings an administrator changes (Admin → Settings), stored in app_settings. */
export const settingsSchema = z.object({
  /** Sign-in with Bitbucket; importing from Bitbucket does not depend on it. */
  bitbucketSignInEnabled: z.boolean().default(true),
  /** Sign-in with GitHub (off unless an administrator allows it); connecting GitHub for imports does not depend on it. */
  githubSignInEnabled: z.boolean().default(false),
  importSources: z
    .object({ bitbucket_cloud: z.boolean().default(true), bitbucket_server: z.boolean().default(true), github: z.boolean().default(true) })
    .default({ bitbucket_cloud: true, bitbucket_server: true, github: true }),
  /** How unmapped source users are recorded when an import does not say. */
  defaultUserMapping: userMappingSchema.default("attribution"),
  /** Imports one user may start per minute through the API (429 beyond). */
  importRateLimitPerMinute: z.number().int().positive().default(60),
});
export type Settings = z.infer<typeof settingsSchema>;

const SETTINGS_KEY = "instance";

export async function getSettings(): Promise<Settings> {
  const row = await db.appSetting.findUnique({ where: { key: SETTINGS_KEY } });
  const parsed = settingsSchema.safeParse(row?.value ?? {});
  // A stored value from an older version that no longer parses falls back to the defaults for the bad fields.
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = settingsSchema.parse({ ...(await getSettings()), ...patch });
  await db.appSetting.upsert({ where: { key: SETTINGS_KEY }, create: { key: SETTINGS_KEY, value: next }, update: { value: next } });
  return next;
}
