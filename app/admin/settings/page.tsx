import type { Metadata } from "next";
import { requireAdmin } from "../require-admin";
import { SettingsForm } from "@/components/admin/admin-forms";
import { Section } from "@/components/ui/page-blocks";
import { SOURCE_STAGES } from "@/lib/import/pipeline/stages";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Settings · Administration" };
export const dynamic = "force-dynamic";

export default async function AdminSettingsPage() {
  await requireAdmin("/admin/settings");
  return (
    <Section title="Instance settings">
      {/* Only sources with an adapter (a stage list) can be switched on or off. */}
      <SettingsForm settings={await getSettings()} availableSources={Object.keys(SOURCE_STAGES)} />
    </Section>
  );
}
