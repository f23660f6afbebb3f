import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { NavTabs } from "@/components/identity/nav-tabs";
import { requireUser } from "@/lib/auth";

/** Administrators only; everyone else sees a 404. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireUser("/admin/users");
  if (!user.isAdmin) notFound();
  return (
    <div>
      <h1 className="text-2xl font-semibold text-slate-900">Administration</h1>
      <NavTabs
        label="Administration"
        tabs={[
          { href: "/admin/users", label: "Users" },
          { href: "/admin/settings", label: "Settings" },
        ]}
      />
      <div className="mt-6">{children}</div>
    </div>
  );
}
