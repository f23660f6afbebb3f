import { notFound } from "next/navigation";
import { requireUser, type SessionUser } from "@/lib/auth";

/** For admin pages: signed in (else sign-in, coming back to `returnTo`) and an administrator (else a 404). */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requireUser(returnTo);
  if (!user.isAdmin) notFound();
  return user;
}
