"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions/wrapper";

export type FormMessage = { tone: "error" | "success"; text: string };

/**
 * Submits a form to a server action: `pending` while it runs, then the action's error as the
 * message, or on success the form cleared, `success`'s text as the message and the page refreshed.
 */
export function useFormAction<T>(action: (form: FormData) => Promise<ActionResult<T>>, success: (data: T) => string) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<FormMessage | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setMessage(null);
    startTransition(async () => {
      const result = await action(form);
      if (!result.ok) {
        setMessage({ tone: "error", text: result.error.message });
        return;
      }
      formElement.reset();
      setMessage({ tone: "success", text: success(result.data) });
      router.refresh();
    });
  }
  return { pending, message, submit };
}
