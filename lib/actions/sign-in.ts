"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { clientAddressFrom, createDatabaseSession, safeReturnPath, sessionCookie, verifyLocalCredentials } from "@/lib/auth/password-sign-in";
import { anonymousAction } from "@/lib/actions/wrapper";

export const signInWithPassword = anonymousAction(
  "password sign-in",
  z.object({
    username: z.string().trim().min(1, "is required").max(255),
    password: z.string().min(1, "is required").max(1024),
    callbackUrl: z.string().max(2000).optional(),
  }),
  // The credentials are the permission: verifyLocalCredentials refuses placeholders and wrong passwords.
  async ({ username, password, callbackUrl }) => {
    const user = await verifyLocalCredentials({ username, password, clientAddress: clientAddressFrom(await headers()) });
    const session = await createDatabaseSession(user.id);
    const { name, secure } = sessionCookie();
    (await cookies()).set(name, session.sessionToken, { httpOnly: true, sameSite: "lax", path: "/", secure, expires: session.expires });
    return { redirectTo: safeReturnPath(callbackUrl) };
  },
);
