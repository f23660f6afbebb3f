"use client";

import { signIn } from "next-auth/react";
import { RepositoryTable } from "@/components/import/picker/repository-table";
import type { PickerDefaults, PickerSource } from "@/components/import/picker/source";
import * as actions from "@/lib/actions/import-github";
import { matchesGithubRepository } from "@/lib/import/github-filter";
import type { ImportableNamespace } from "@/lib/namespaces/importable";
import { ShowSelect } from "./show-select";
import { RowOptions } from "./row-options";

const RELATION_LABELS = { owned: "Owned", collaborated: "Collaborator", organization: "Organization" } as const;

/** GitHub in the import picker: every repository the user owns, collaborates on or reaches through an organisation. */
function githubSource(oauth: boolean): PickerSource {
  return {
    id: "github",
    name: "GitHub",
    listingPath: "/import/github/repositories",
    groupNoun: { singular: "organization", plural: "organizations" },
    filterLabel: "Filter by name or owner/",
    filtersLocally: matchesGithubRepository,
    FilterControls: ShowSelect,
    rowFacts: (repository) => (
      <>
        {repository.isPrivate && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">Private</span>}
        {repository.relation && (
          <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="repository-relation">
            {RELATION_LABELS[repository.relation]}
          </span>
        )}
      </>
    ),
    RowOptions,
    actions,
    connection: {
      codes: new Set(["github_unauthorized", "github_not_connected"]),
      notConnectedCode: "github_not_connected",
      // With an OAuth app, GitHub's consent page; with a stored token, the page's token form (reloading shows it).
      connect: () => (oauth ? void signIn("github", { callbackUrl: window.location.pathname + window.location.search }) : window.location.reload()),
    },
  };
}

export function GithubPicker({ oauth, ...props }: { oauth: boolean; personalNamespace: string; namespaces: ImportableNamespace[]; defaults: PickerDefaults }) {
  return <RepositoryTable source={githubSource(oauth)} {...props} />;
}
