"use client";

/**
 * An unexpected failure while rendering a page (error.tsx files). The server has logged the
 * details under the digest; the page shows only that reference.
 */
export function PageError({ error, reset, testId }: { error: Error & { digest?: string }; reset: () => void; testId: string }) {
  return (
    <div role="alert" data-testid={testId} className="rounded-lg border border-red-200 bg-red-50 px-4 py-6 text-sm text-red-900">
      <h1 className="text-base font-semibold">This page could not be shown.</h1>
      <p className="mt-1">Something went wrong on our side. Try again; if it keeps failing, give an administrator this reference.</p>
      {error.digest && <p className="mt-2 font-mono text-xs">Reference: {error.digest}</p>}
      <button type="button" onClick={reset} className="mt-4 rounded-md border border-red-300 bg-white px-3 py-1.5 font-medium hover:bg-red-100">
        Try again
      </button>
    </div>
  );
}
