import type { Metadata } from "next";
import { Suspense } from "react";
import { RepositoryTable } from "@/components/import/repository-table";
import { RepositoryTableSkeleton } from "@/components/import/repository-table-skeleton";
import { requireUser } from "@/lib/auth";

export const metadata: Metadata = { title: "Import from Bitbucket Cloud" };

export default async function ImportBitbucketPage() {
  const user = await requireUser("/import/bitbucket");
  return (
    <div>
      <h1 className="text-2xl font-semibold">Import from Bitbucket Cloud</h1>
      <p className="mt-1 text-sm text-slate-600">The repositories of every workspace you belong to.</p>
      <Suspense fallback={<RepositoryTableSkeleton />}>
        <RepositoryTable personalNamespace={user.username} />
      </Suspense>
    </div>
  );
}
