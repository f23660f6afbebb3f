"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { createPersonalAccessToken, createTokenSchema, revokePersonalAccessToken } from "@/lib/tokens";

const PAGE = "/profile/access_tokens";

/** Creates a token for the signed-in user; the answer is the only time the token is shown. */
export const createAccessToken = userAction(
  "create access token",
  z.object({ name: z.string(), scopes: z.array(z.string()), expiresAt: z.string().optional() }),
  // Tokens are the caller's own, so being signed in is the permission; createPersonalAccessToken validates the fields.
  async (input, { user }) => {
    const { token, summary } = await createPersonalAccessToken(user.id, input as z.input<typeof createTokenSchema>);
    revalidatePath(PAGE);
    return { token, name: summary.name };
  },
);

/** Revokes one of the signed-in user's tokens (another user's token is "not found"). */
export const revokeAccessToken = userAction("revoke access token", z.object({ id: z.number().int().positive() }), async ({ id }, { user }) => {
  const summary = await revokePersonalAccessToken(user.id, id);
  revalidatePath(PAGE);
  return { id: summary.id, name: summary.name };
});
