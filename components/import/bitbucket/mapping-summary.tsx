"use client";

import { MappingSummary as SourceMappingSummary, type MappingSummaryData } from "@/components/import/picker/mapping-summary";
import type { WorkspaceMappingSummary } from "@/lib/users/workspace-mapping";

function toData(summary: WorkspaceMappingSummary): MappingSummaryData {
  return {
    subject: summary.workspace,
    total: summary.total,
    mapped: summary.mapped,
    notes: [],
    people: summary.members.map((member) => ({
      key: member.uuid,
      label: member.displayName ?? member.nickname ?? member.uuid,
      login: member.nickname,
      ferryUsername: member.ferryUser?.username ?? null,
    })),
  };
}

/** How many of a Bitbucket workspace's members map to Ferry users, and who does not. Give it the workspace slug of a row. */
export function MappingSummary({ workspace }: { workspace: string }) {
  return (
    <SourceMappingSummary
      url={`/import/bitbucket/mapping?workspace=${encodeURIComponent(workspace)}`}
      toData={toData}
      sourceName="Bitbucket"
      noun={{ singular: "member", plural: "members" }}
    />
  );
}
