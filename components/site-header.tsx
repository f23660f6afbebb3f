import Link from "next/link";
import { currentUser } from "@/lib/auth";
import { SignOutButton } from "./sign-out-button";

export async function SiteHeader() {
  const user = await currentUser();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4 sm:px-6">
        <nav className="flex items-center gap-6" aria-label="Main">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-slate-900">
            <span aria-hidden className="inline-block h-6 w-6 rounded bg-brand-600 text-center text-sm leading-6 text-white">F</span>
            Ferry
          </Link>
          {user && (
            <Link href="/import/bitbucket" className="text-sm text-slate-600 hover:text-slate-900">
              Import
            </Link>
          )}
        </nav>
        {user ? (
          <div className="flex items-center gap-3">
            {user.image ? (
              // eslint-disable-next-line @next/next/no-img-element -- avatars come from the identity provider
              <img src={user.image} alt="" className="h-7 w-7 rounded-full bg-slate-200" />
            ) : null}
            <span className="text-sm" data-testid="signed-in-user">
              <span className="font-medium">{user.name ?? user.username}</span>{" "}
              <span className="text-slate-500">@{user.username}</span>
            </span>
            <SignOutButton />
          </div>
        ) : (
          <Link href="/sign-in" className="text-sm font-medium text-brand-600 hover:text-brand-700">
            Sign in
          </Link>
        )}
      </div>
    </header>
  );
}
