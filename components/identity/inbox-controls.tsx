"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { acceptReassignmentRequest, rejectReassignmentRequest } from "@/app/inbox/actions";
import { buttonStyles, Notice } from "./ui";

export function ReassignmentAnswer({ reassignmentId, sourceName }: { reassignmentId: number; sourceName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  function answer(accept: boolean) {
    setMessage(null);
    startTransition(async () => {
      if (accept) {
        const result = await acceptReassignmentRequest({ reassignmentId });
        if (!result.ok) return setMessage({ tone: "error", text: result.error.message });
        const moved = result.data;
        setMessage({
          tone: "success",
          text: `Accepted: ${moved.issues} issues, ${moved.mergeRequests} merge requests, ${moved.notes} comments, ${moved.approvals} approvals, ${moved.reviews} reviews and ${moved.assignments} assignments are now yours.`,
        });
      } else {
        const result = await rejectReassignmentRequest({ reassignmentId });
        if (!result.ok) return setMessage({ tone: "error", text: result.error.message });
        setMessage({ tone: "success", text: "Rejected; the contributions stay with the placeholder." });
      }
      router.refresh();
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
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
    </div>
  );
}
