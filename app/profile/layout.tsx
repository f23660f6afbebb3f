import type { ReactNode } from "react";
import { TabbedSection } from "@/components/ui/tabbed-section";
import { currentUser } from "@/lib/auth";

export default async function ProfileLayout({ children }: { children: ReactNode }) {
  // Each page requires sign-in with its own path to come back to; signed out, the page redirects.
  const user = await currentUser();
  if (!user) return children;
  return (
    <TabbedSection
      heading={
        <p className="text-sm text-slate-600">
          Your profile · <span className="font-medium text-slate-900">{user.name ?? user.username}</span> <span className="text-slate-500">@{user.username}</span>
        </p>
      }
      label="Profile"
      tabs={[{ href: "/profile/account", label: "Account" }, { href: "/profile/access_tokens", label: "Access tokens" }, { href: "/profile/snippets", label: "Snippets" }]}
    >
      {children}
    </TabbedSection>
  );
}
