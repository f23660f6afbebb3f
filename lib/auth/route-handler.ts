import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { getSettings } from "@/lib/settings";
import { LINK_INTENT_COOKIE, parseLinkIntent } from "./linking";
import { authOptionsForRequest } from "./options";
import { sessionCookie } from "./password-sign-in";

async function signedInUserId(request: NextRequest): Promise<string | null> {
  const token = request.cookies.get(sessionCookie().name)?.value;
  if (!token) return null;
  const session = await db.session.findUnique({ where: { sessionToken: token }, select: { userId: true, expires: true, user: { select: { kind: true } } } });
  return session && session.expires > new Date() && session.user.kind === "human" ? session.userId : null;
}

/**
 * next-auth's route with Ferry's request context: who is signed in (Connect and Reconnect link to
 * them) and the link intent the account page set. Bitbucket sign-in, when an administrator
 * disabled it, is refused before the browser is sent to Bitbucket.
 */
export async function handleAuthRoute(request: NextRequest, params: { nextauth: string[] }): Promise<Response> {
  const [action, providerId] = params.nextauth;
  const sessionUserId = await signedInUserId(request);
  if (action === "signin" && providerId === "bitbucket" && !sessionUserId && !(await getSettings()).bitbucketSignInEnabled) {
    const url = `${config().NEXTAUTH_URL}/sign-in?error=BitbucketSignInDisabled`;
    // next-auth's client posts with json=true and follows the returned URL itself.
    return request.method === "POST" ? NextResponse.json({ url }) : NextResponse.redirect(url);
  }
  // Deny on Bitbucket's consent page is the person's choice, not a failure: say so on the sign-in page, which offers signing in again.
  if (action === "callback" && providerId === "bitbucket" && !sessionUserId && request.nextUrl.searchParams.get("error") === "access_denied") {
    return NextResponse.redirect(`${config().NEXTAUTH_URL}/sign-in?error=ConsentDenied`);
  }
  const intentCookie = request.cookies.get(LINK_INTENT_COOKIE)?.value;
  const intent = sessionUserId ? parseLinkIntent(intentCookie) : null;
  const response = await NextAuth(authOptionsForRequest({ sessionUserId, intent }))(request, { params });
  if (action === "callback" && intentCookie !== undefined) {
    response.headers.append("set-cookie", `${LINK_INTENT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  }
  return response;
}
