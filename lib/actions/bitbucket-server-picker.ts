"use server";

import { z } from "zod";
import { pickerActions } from "@/lib/actions/picker-actions";
import { userAction } from "@/lib/actions/wrapper";
import { connect, removeConnection, useConnection } from "@/lib/import/bitbucket-server-connections";
import { bitbucketServerPicker, serverRepositoryNameSchema } from "@/lib/import/bitbucket-server-picker";

/** The repository picker's server actions for Bitbucket Server (lib/actions/picker-actions.ts), and its connections. */
const bitbucketServer = pickerActions(bitbucketServerPicker, serverRepositoryNameSchema);

export const importRepository = bitbucketServer.importRepository;
export const checkImportTarget = bitbucketServer.checkImportTarget;
export const cancelRepositoryImport = bitbucketServer.cancelRepositoryImport;
export const importStatuses = bitbucketServer.importStatuses;
export const previewImportAllRepositories = bitbucketServer.previewImportAllRepositories;
export const importAllRepositories = bitbucketServer.importAllRepositories;

export const connectBitbucketServer = userAction(
  "connect bitbucket server",
  z.object({ serverUrl: z.string().trim().min(1, "is required").max(2000), username: z.string().trim().min(1, "is required").max(255), token: z.string().min(1, "is required").max(4096) }),
  (input, { user }) => connect(user, input),
);

export const removeBitbucketServer = userAction("remove bitbucket server", z.object({ id: z.number().int().positive() }), async ({ id }, { user }) => removeConnection(user, id));

export const chooseBitbucketServer = userAction("use bitbucket server", z.object({ id: z.number().int().positive() }), async ({ id }, { user }) => useConnection(user, id));
