import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { TabbedSection } from "@/components/ui/tabbed-section";
import { currentUser } from "@/lib/auth";

/**
 * Administrators only; everyone else sees a 404. Each page also calls requireAdmin with its own
 * path, so that signing in returns to it.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) return children;
  if (!user.isAdmin) notFound();
  return (
    <TabbedSection
      heading={<h1 className="text-2xl font-semibold text-slate-900">Administration</h1>}
      label="Administration"
      tabs={[{ href: "/admin/users", label: "Users" }, { href: "/admin/settings", label: "Settings" }]}
    >
      {children}
    </TabbedSection>
  );
}
