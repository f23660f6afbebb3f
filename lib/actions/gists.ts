"use server";

import { z } from "zod";
import { userAction } from "@/lib/actions/wrapper";
import { AppError } from "@/lib/errors";
import { lastGistsImport, linkedGithubToken, startGistsImport } from "@/lib/snippets";

/** Server actions of Profile → Snippets: the user's own gists import (their own snippets need no other right). */

export const startGistsImportAction = userAction(
  "start gists import",
  z.object({ personalAccessToken: z.string().trim().max(500).optional() }),
  async ({ personalAccessToken }, { user }) => {
    const token = personalAccessToken || (await linkedGithubToken(user.id));
    if (!token) throw new AppError("invalid_request", "Connect GitHub on your account page, or enter a GitHub personal access token with the gist scope.");
    return startGistsImport(user, { token });
  },
);

export const gistsImportStatusAction = userAction("gists import status", z.object({}), async (_input, { user }) => lastGistsImport(user.id));
