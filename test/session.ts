import type { SessionUser } from "@/lib/auth";

/**
 * A faked sign-in for tests that call server actions and pages directly. Replace the session
 * module with this one (`vi.mock("@/lib/auth/session", () => import("@/test/session"))`), then
 * set `session.user` to the user who is signed in (null: nobody).
 */
export const session: { user: SessionUser | null } = { user: null };

export async function currentUser(): Promise<SessionUser | null> {
  return session.user;
}

export async function requireUser(): Promise<SessionUser> {
  if (!session.user) throw new Error("not signed in");
  return session.user;
}
