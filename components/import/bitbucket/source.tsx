"use client";

import { signIn } from "next-auth/react";
import { RepositoryTable } from "@/components/import/picker/repository-table";
import { privateBadgeAndName } from "@/components/import/picker/row-facts";
import type { PickerDefaults, PickerSource } from "@/components/import/picker/source";
import * as actions from "@/lib/actions/import-picker";
import type { ImportableNamespace } from "@/lib/namespaces/importable";
import { RowOptions } from "./row-options";

/** Bitbucket Cloud in the import picker: the repositories of every workspace the user belongs to. */
export const bitbucketCloudSource: PickerSource = {
  id: "bitbucket_cloud",
  name: "Bitbucket",
  listingPath: "/import/bitbucket/repositories",
  groupNoun: { singular: "workspace", plural: "workspaces" },
  filterLabel: "Filter by name, or workspace/name",
  rowFacts: privateBadgeAndName,
  RowOptions,
  actions,
  connection: {
    codes: new Set(["bitbucket_reconnect_required", "bitbucket_not_connected", "bitbucket_forbidden"]),
    notConnectedCode: "bitbucket_not_connected",
    connect: () => void signIn("bitbucket", { callbackUrl: window.location.pathname + window.location.search }),
  },
};

export function BitbucketCloudPicker(props: { personalNamespace: string; namespaces: ImportableNamespace[]; defaults: PickerDefaults }) {
  return <RepositoryTable source={bitbucketCloudSource} {...props} />;
}
