import type { Metadata } from "next";
import { SettingsForm } from "@/components/identity/admin-forms";
import { Section } from "@/components/projects/ui";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Settings · Administration" };
export const dynamic = "force-dynamic";

// app/admin/layout.tsx lets administrators only in; the action checks again.
export default async function AdminSettingsPage() {
  return (
    <Section title="Instance settings">
      <SettingsForm settings={await getSettings()} />
    </Section>
  );
}
