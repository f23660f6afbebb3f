"use server";

import { refresh } from "next/cache";
import { cookies } from "next/headers";
import { z } from "zod";
import { LINK_INTENT_COOKIE, confirmBitbucketSwitch, declineBitbucketSwitch, disconnectIdentity, linkIntentSchema, setPassword } from "@/lib/auth/linking";
import { sessionCookie } from "@/lib/auth/password-sign-in";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { userAction } from "@/lib/actions/wrapper";

const id = z.string().min(1).max(100);

/**
 * Remembers what the coming Bitbucket round-trip is for (Connect, or Reconnect of one identity);
 * the OAuth callback reads it. Only the user's own identities can be reconnected.
 */
export const prepareBitbucketLink = userAction("prepare bitbucket link", linkIntentSchema, async (intent, { user }) => {
  if (intent.mode === "reconnect") {
    const owned = await db.account.count({ where: { id: intent.identityId, userId: user.id, provider: "bitbucket" } });
    if (!owned) throw new AppError("not_found", "This identity is not linked to your account.");
  }
  (await cookies()).set(LINK_INTENT_COOKIE, JSON.stringify(intent), { httpOnly: true, sameSite: "lax", path: "/", secure: sessionCookie().secure, maxAge: 15 * 60 });
  return { ready: true };
});

export const disconnectBitbucket = userAction("disconnect bitbucket", z.object({ identityId: id }), async ({ identityId }, { user }) => {
  await disconnectIdentity(user.id, { identityId });
  refresh();
  return { disconnected: true };
});

export const confirmSwitch = userAction("switch bitbucket account", z.object({ pendingId: id, replaceId: id }), async (input, { user }) => {
  const result = await confirmBitbucketSwitch(user.id, input);
  refresh();
  return result;
});

export const declineSwitch = userAction("keep bitbucket account", z.object({ pendingId: id }), async (input, { user }) => {
  await declineBitbucketSwitch(user.id, input);
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
