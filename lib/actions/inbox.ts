"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { acceptReassignment, rejectReassignment } from "@/lib/users/reassignment";

// Only the user a request is addressed to may answer it (checked in lib/users/reassignment.ts).
const request = z.object({ reassignmentId: z.number().int().positive() });

export const acceptReassignmentRequest = userAction("accept reassignment", request, async (input, { user }) => {
  const moved = await acceptReassignment(user, input);
  refresh();
  return moved;
});

export const rejectReassignmentRequest = userAction("reject reassignment", request, async (input, { user }) => {
  await rejectReassignment(user, input);
  refresh();
  return { rejected: true };
});
