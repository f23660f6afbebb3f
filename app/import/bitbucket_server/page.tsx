import type { Metadata } from "next";
import { Suspense } from "react";
import { ConnectServerForm, ServerConnections } from "@/components/import/bitbucket-server/connections";
import { BitbucketServerPicker } from "@/components/import/bitbucket-server/source";
import { RepositoryTableSkeleton } from "@/components/import/picker/repository-table-skeleton";
import { requireUser, type SessionUser } from "@/lib/auth";
import { listConnections } from "@/lib/import/bitbucket-server-connections";
import { listImportableNamespaces } from "@/lib/namespaces/importable";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Import from Bitbucket Server" };

export default async function ImportBitbucketServerPage() {
  const user = await requireUser("/import/bitbucket_server");
  const connections = await listConnections(user);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Import from Bitbucket Server</h1>
        <p className="mt-1 text-sm text-slate-600">
          Bitbucket Server and Data Center: connect with the server&apos;s URL, your username and a personal access token with read access
          (Ferry keeps it encrypted). Its host must be one Ferry may reach (ALLOWED_HOSTS).
        </p>
      </div>
      {connections.length > 0 && <ServerConnections connections={connections} />}
      <section aria-labelledby="connect-heading">
        <h2 id="connect-heading" className="text-lg font-medium">
          {connections.length > 0 ? "Connect another server" : "Connect a server"}
        </h2>
        <div className="mt-2">
          <ConnectServerForm />
        </div>
      </section>
      {connections.length > 0 && (
        <Suspense fallback={<RepositoryTableSkeleton />}>
          <Picker user={user} key={connections.find((connection) => connection.current)?.id} />
        </Suspense>
      )}
    </div>
  );
}

async function Picker({ user }: { user: SessionUser }) {
  const [namespaces, settings] = await Promise.all([listImportableNamespaces(user), getSettings()]);
  return <BitbucketServerPicker personalNamespace={namespaces[0]!.fullPath} namespaces={namespaces} defaults={{ userMapping: settings.defaultUserMapping }} />;
}
