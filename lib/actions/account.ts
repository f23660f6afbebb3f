"use server";

import { refresh } from "next/cache";
import { cookies } from "next/headers";
import { z } from "zod";
import { saveGithubToken } from "@/lib/auth/github-credential";
import { LINK_INTENT_COOKIE, confirmIdentitySwitch, declineIdentitySwitch, disconnectIdentity, linkIntentSchema, setPassword } from "@/lib/auth/linking";
import { sessionCookie } from "@/lib/auth/password-sign-in";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/actions/wrapper";

const id = z.string().min(1).max(100);

/**
 * Remembers what the coming OAuth round-trip is for (Connect a provider, or Reconnect one identity);
 * the OAuth callback reads it. Only the user's own identities can be reconnected.
 */
export const prepareIdentityLink = userAction("prepare identity link", linkIntentSchema, async (intent, { user }) => {
  if (intent.mode === "reconnect") {
    const owned = await db.account.count({ where: { id: intent.identityId, userId: user.id, provider: { in: ["bitbucket", "github"] } } });
    if (!owned) throw new AppError("not_found", "This identity is not linked to your account.");
  }
  (await cookies()).set(LINK_INTENT_COOKIE, JSON.stringify(intent), { httpOnly: true, sameSite: "lax", path: "/", secure: sessionCookie().secure, maxAge: 15 * 60 });
  return { ready: true };
});

export const disconnectLinkedIdentity = userAction("disconnect identity", z.object({ identityId: id }), async ({ identityId }, { user }) => {
  await disconnectIdentity(user.id, { identityId });
  refresh();
  return { disconnected: true };
});

export const confirmSwitch = userAction("switch linked account", z.object({ pendingId: id, replaceId: id }), async (input, { user }) => {
  const result = await confirmIdentitySwitch(user.id, input);
  refresh();
  return result;
});

export const declineSwitch = userAction("keep linked account", z.object({ pendingId: id }), async (input, { user }) => {
  await declineIdentitySwitch(user.id, input);
  return { declined: true };
});

export const changePassword = userAction(
  "change password",
  z
    .object({
      currentPassword: z.string().max(1024).optional(),
      newPassword: z.string().min(8, "must be at least 8 characters").max(1024),
      confirmation: z.string().max(1024),
    })
    .refine((input) => input.newPassword === input.confirmation, { message: "does not match the new password", path: ["confirmation"] }),
  async ({ currentPassword, newPassword }, { user }) => {
    const currentSession = (await cookies()).get(sessionCookie().name)?.value;
    await setPassword(user.id, { currentPassword, newPassword, keepSessionToken: currentSession });
    refresh();
    return { changed: true };
  },
);

/** A GitHub personal access token for the user's imports (when no GitHub OAuth app is configured, or instead of it). */
export const saveGithubAccessToken = userAction(
  "save github token",
  z.object({ token: z.string().trim().min(1, "can't be blank").max(1000).regex(/^[\x21-\x7e]+$/, "must be a single token without spaces") }),
  async ({ token }, { user }) => {
    const saved = await saveGithubToken(user.id, token);
    refresh();
    return saved;
  },
);
