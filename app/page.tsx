import Link from "next/link";
import { requireUser } from "@/lib/auth";

export default async function HomePage() {
  const user = await requireUser("/");
  return (
    <div>
      <h1 className="text-2xl font-semibold">Welcome, {user.name ?? user.username}</h1>
      <p className="mt-2 text-slate-600">Bring your team's work over from Bitbucket Cloud.</p>
      <div className="mt-8 grid gap-4 sm:grid-cols-2">
        <Link href="/import/bitbucket" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm hover:border-brand-600">
          <h2 className="font-medium">Import from Bitbucket Cloud</h2>
          <p className="mt-1 text-sm text-slate-600">See the repositories of all your workspaces and import them.</p>
        </Link>
      </div>
    </div>
  );
}
