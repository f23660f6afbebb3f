import Link from "next/link";
import type { ReactNode } from "react";

export function NotFoundMessage({ children }: { children: ReactNode }) {
  return (
    <div data-testid="not-found" className="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white px-6 py-10 text-center shadow-sm">
      <p className="text-4xl font-semibold text-slate-300">404</p>
      <h1 className="mt-2 text-lg font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">{children}</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
        Back to Ferry
      </Link>
    </div>
  );
}
