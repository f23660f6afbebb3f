import type { ReactNode } from "react";
import { NavTabs } from "@/components/identity/nav-tabs";
import { requireUser } from "@/lib/auth";

export default async function ProfileLayout({ children }: { children: ReactNode }) {
  const user = await requireUser("/profile/account");
  return (
    <div>
      <h1 className="text-2xl font-semibold text-slate-900">Your profile</h1>
      <p className="mt-1 text-sm text-slate-600">
        {user.name ?? user.username} <span className="text-slate-500">@{user.username}</span>
      </p>
      <NavTabs
        label="Profile"
        tabs={[
          { href: "/profile/account", label: "Account" },
          { href: "/profile/access_tokens", label: "Access tokens" },
        ]}
      />
      <div className="mt-6">{children}</div>
    </div>
  );
}
