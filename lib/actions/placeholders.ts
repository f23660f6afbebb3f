"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { applyReassignmentCsv, cancelReassignment, keepAsPlaceholder, MAX_CSV_BYTES, requestReassignment } from "@/lib/users/reassignment";

// Each function in lib/users/reassignment.ts checks that the caller is an Owner of the placeholder's top-level group.

const placeholder = z.object({ placeholderId: z.string().min(1).max(100) });

export const reassignPlaceholder = userAction(
  "reassign placeholder",
  placeholder.extend({ targetUsername: z.string().trim().min(1, "is required").max(255) }),
  async (input, { user }) => {
    await requestReassignment(user, input);
    refresh();
    return { requested: true };
  },
);

export const cancelPlaceholderReassignment = userAction("cancel placeholder reassignment", placeholder, async (input, { user }) => {
  await cancelReassignment(user, input);
  refresh();
  return { canceled: true };
});

export const keepPlaceholder = userAction("keep placeholder", placeholder, async (input, { user }) => {
  await keepAsPlaceholder(user, input);
  refresh();
  return { kept: true };
});

export const uploadReassignmentCsv = userAction(
  "upload reassignment csv",
  z.object({ namespaceId: z.number().int().positive(), csv: z.string().max(MAX_CSV_BYTES, "is larger than 2 MB") }),
  async (input, { user }) => {
    const result = await applyReassignmentCsv(user, input);
    refresh();
    return result;
  },
);
