import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BitbucketSignInButton } from "@/components/bitbucket-sign-in-button";
import { FerryMark } from "@/components/ferry-mark";
import { PasswordSignInForm } from "@/components/sign-in/password-sign-in-form";
import { currentUser } from "@/lib/auth";
import { safeReturnPath } from "@/lib/auth/password-sign-in";
import { config } from "@/lib/config";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Sign in" };

const ERROR_MESSAGES: Record<string, string> = {
  OAuthAccountNotLinked: "This Bitbucket account's email belongs to another Ferry user. Sign in as that user and connect Bitbucket from your profile.",
  AccessDenied: "Bitbucket access was denied.",
  ConsentDenied: "You denied Ferry access on Bitbucket's consent page, so you are not signed in. To sign in, choose Sign in with Bitbucket again and grant access.",
  OAuthCallback: "Bitbucket did not complete the sign-in. Try again.",
  OAuthSignin: "Could not start signing in with Bitbucket. Check that Bitbucket is reachable.",
  Callback: "Signing in did not complete. Try again.",
  BitbucketSignInDisabled: "Signing in with Bitbucket is disabled on this Ferry. Sign in with your username and password, then connect Bitbucket from your profile to import.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl, "/import/bitbucket");
  if (await currentUser()) redirect(callbackUrl);
  const bitbucketConfigured = Boolean(config().BITBUCKET_CLIENT_ID && config().BITBUCKET_CLIENT_SECRET);
  const { bitbucketSignInEnabled } = await getSettings();
  const error = params.error ? (ERROR_MESSAGES[params.error] ?? "Signing in failed. Try again.") : null;

  return (
    <div className="mx-auto mt-12 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <FerryMark className="mb-4 h-10 w-10" />
      <h1 className="text-2xl font-semibold">Sign in to Ferry</h1>
      <p className="mt-2 text-sm text-slate-600">
        Ferry moves your repositories, pull requests, issues and wikis out of Bitbucket Cloud.
      </p>
      {error && (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      {bitbucketSignInEnabled && (
        <div className="mt-6">
          {bitbucketConfigured ? (
            <BitbucketSignInButton callbackUrl={callbackUrl} />
          ) : (
            <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Bitbucket sign-in is not configured. Set <code>BITBUCKET_CLIENT_ID</code> and <code>BITBUCKET_CLIENT_SECRET</code>.
            </p>
          )}
        </div>
      )}
      <div className="mt-6 border-t border-slate-100 pt-6">
        {bitbucketSignInEnabled && <h2 className="mb-3 text-sm font-medium text-slate-700">Or sign in with a Ferry account</h2>}
        <PasswordSignInForm callbackUrl={callbackUrl} />
      </div>
    </div>
  );
}
