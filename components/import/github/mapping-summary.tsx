"use client";

import { MappingSummary as SourceMappingSummary, type MappingSummaryData } from "@/components/import/picker/mapping-summary";
import type { GithubMappingSummary } from "@/lib/users/github-mapping";

function toData(summary: GithubMappingSummary): MappingSummaryData {
  return {
    subject: summary.repository,
    total: summary.total,
    mapped: summary.mapped,
    notes: summary.unavailable,
    people: summary.people.map((person) => ({ key: String(person.githubId), label: `@${person.login}`, login: null, ferryUsername: person.ferryUser?.username ?? null })),
  };
}

/** How many of a GitHub repository's collaborators and contributors map to Ferry users (by GitHub user id), and who does not. */
export function MappingSummary({ repository }: { repository: string }) {
  return (
    <SourceMappingSummary
      url={`/import/github/mapping?repository=${encodeURIComponent(repository)}`}
      toData={toData}
      sourceName="GitHub"
      noun={{ singular: "collaborator or contributor", plural: "collaborators and contributors" }}
    />
  );
}
