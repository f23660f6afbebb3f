"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { acceptReassignmentRequest, rejectReassignmentRequest } from "@/lib/actions/inbox";
import { buttonStyles, Notice } from "@/components/ui/forms";

export function ReassignmentAnswer({ reassignmentId, sourceName }: { reassignmentId: number; sourceName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function answer(accept: boolean) {
    setError(null);
    startTransition(async () => {
      const result = accept ? await acceptReassignmentRequest({ reassignmentId }) : await rejectReassignmentRequest({ reassignmentId });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      // The request leaves the list; the page says what happened.
      router.replace(`/inbox?answered=${reassignmentId}`);
    });
  }
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <button type="button" disabled={pending} onClick={() => answer(true)} className={buttonStyles.primary} aria-label={`Accept contributions of ${sourceName}`}>
          Accept
        </button>
        <button type="button" disabled={pending} onClick={() => answer(false)} className={buttonStyles.secondary} aria-label={`Reject contributions of ${sourceName}`}>
          Reject
        </button>
      </div>
      {error && <Notice tone="error">{error}</Notice>}
    </div>
  );
}
