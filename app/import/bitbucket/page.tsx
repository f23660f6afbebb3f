import type { Metadata } from "next";
import { Suspense } from "react";
import { BitbucketCloudPicker } from "@/components/import/bitbucket/source";
import { RepositoryTableSkeleton } from "@/components/import/picker/repository-table-skeleton";
import { requireUser, type SessionUser } from "@/lib/auth";
import { listImportableNamespaces } from "@/lib/namespaces/importable";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Import from Bitbucket Cloud" };

export default async function ImportBitbucketPage() {
  const user = await requireUser("/import/bitbucket");
  return (
    <div>
      <h1 className="text-2xl font-semibold">Import from Bitbucket Cloud</h1>
      <p className="mt-1 text-sm text-slate-600">
        The repositories of every workspace you belong to. Choose where each one goes: your personal namespace, a group where you are
        Maintainer or Owner, or a new group path (created with you as Owner). A namespace you cannot import into is replaced by your
        personal namespace, and the row says so.
      </p>
      <Suspense fallback={<RepositoryTableSkeleton />}>
        <Picker user={user} />
      </Suspense>
    </div>
  );
}

async function Picker({ user }: { user: SessionUser }) {
  const [namespaces, settings] = await Promise.all([listImportableNamespaces(user), getSettings()]);
  return <BitbucketCloudPicker personalNamespace={namespaces[0]!.fullPath} namespaces={namespaces} defaults={{ userMapping: settings.defaultUserMapping }} />;
}
