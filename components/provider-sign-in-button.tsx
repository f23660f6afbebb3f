"use client";

import { signIn } from "next-auth/react";

export function ProviderSignInButton({ provider, callbackUrl, label }: { provider: "bitbucket" | "github"; callbackUrl: string; label: string }) {
  return (
    <button
      type="button"
      onClick={() => signIn(provider, { callbackUrl })}
      className="inline-flex items-center justify-center gap-2 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-offset-2"
    >
      {label}
    </button>
  );
}
