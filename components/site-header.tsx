import Link from "next/link";
import { currentUser } from "@/lib/auth";
import { pendingInboxCount } from "@/lib/users/reassignment";
import { Avatar } from "./avatar";
import { FerryMark } from "./ferry-mark";
import { SignOutButton } from "./sign-out-button";

const navLink = "rounded text-sm text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600";

export async function SiteHeader() {
  const user = await currentUser();
  const inbox = user ? await pendingInboxCount(user.id) : 0;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-2 sm:px-6">
        <nav className="flex items-center gap-4 sm:gap-6" aria-label="Main">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-slate-900">
            <FerryMark />
            Ferry
          </Link>
          {user && (
            <Link href="/import/bitbucket" className={navLink}>
              Import
            </Link>
          )}
          {user?.isAdmin && (
            <Link href="/admin/users" className={navLink}>
              Admin
            </Link>
          )}
        </nav>
        {user ? (
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <Link
              href="/inbox"
              className={`${navLink} inline-flex items-center gap-1.5`}
              aria-label={inbox > 0 ? `Inbox, ${inbox} ${inbox === 1 ? "request" : "requests"} awaiting your answer` : "Inbox"}
              data-testid="inbox-link"
            >
              Inbox
              {inbox > 0 && (
                <span aria-hidden data-testid="inbox-count" className="rounded-full bg-brand-600 px-1.5 text-xs leading-5 font-semibold text-white">
                  {inbox}
                </span>
              )}
            </Link>
            <Link href="/profile/account" className={navLink}>
              Profile
            </Link>
            <span className="flex items-center gap-2 text-sm" data-testid="signed-in-user">
              <Avatar person={user} size="md" />
              {/* Below 640 px the avatar stands for the name, so the header fits a phone. */}
              <span className="hidden sm:inline">
                <span className="font-medium">{user.name ?? user.username}</span> <span className="text-slate-500">@{user.username}</span>
              </span>
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
