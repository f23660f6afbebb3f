/**
 * Sandbox-only endpoints under {webUrl}/_sandbox/ for tests and demos. Not logged, no knobs.
 *
 *   GET  /_sandbox/config                       knobs
 *   PUT  /_sandbox/config                       partial knob update (JSON)
 *   GET  /_sandbox/requests?since=<index>       request log: [{index, method, path, query, status, account, at}]
 *   DELETE /_sandbox/requests                   clear the log
 *   GET  /_sandbox/stats                        request counters by route template and status
 *   DELETE /_sandbox/stats                      reset the counters
 *   GET  /_sandbox/accounts                     accounts with their credentials
 *   POST /_sandbox/accounts/{nickname}/rename   {nickname?, display_name?}
 *   POST /_sandbox/tokens                       {nickname} -> tokens without the browser step
 *   POST /_sandbox/tokens/revoke                {nickname} -> revokes access AND refresh tokens
 *   POST /_sandbox/repositories/{ws}/{slug}/changes  {changes: [...]}: new comments, edits, state changes,
 *                                               new items, pushes, force pushes, deleted branches (changes.ts)
 *   POST /_sandbox/reset                        back to the initial state
 *   GET  /_sandbox/avatars/{kind}/{id}.svg      generated avatars
 */
import { z } from "zod";
import { handleCommonAdmin, jsonBody } from "../common/admin";
import { errorResponse } from "./api";
import { changesBody } from "./changes";
import { avatarSvg } from "./pages";
import { hashString } from "./random";
import { bitbucketError, json } from "./responses";
import type { SandboxState } from "./state";

const nicknameBody = z.object({ nickname: z.string().min(1) });
const renameBody = z.object({ nickname: z.string().min(1).optional(), display_name: z.string().min(1).optional() });

export function publicAccount(account: SandboxState["accounts"][number]) {
  return {
    uuid: account.uuid,
    account_id: account.account_id,
    nickname: account.nickname,
    display_name: account.display_name,
    email: account.email,
    api_token: account.apiToken,
  };
}

export async function handleAdmin(state: SandboxState, request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "").replace(/^\/_sandbox/, "");
  const method = request.method;
  try {
    const shared = await handleCommonAdmin(state, request, path, url);
    if (shared) return shared;
    if (path === "/accounts" && method === "GET") return json({ values: state.accounts.map(publicAccount) });
    const rename = /^\/accounts\/([^/]+)\/rename$/.exec(path);
    if (rename && method === "POST") {
      const change = renameBody.parse(await jsonBody(request));
      return json(publicAccount(state.renameAccount(decodeURIComponent(rename[1]!), change)));
    }
    if (path === "/tokens" && method === "POST") {
      const { nickname } = nicknameBody.parse(await jsonBody(request));
      const tokens = state.grantTokensFor(nickname);
      return json({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, token_type: "bearer" });
    }
    if (path === "/tokens/revoke" && method === "POST") {
      const { nickname } = nicknameBody.parse(await jsonBody(request));
      const account = state.accountByNickname(nickname);
      if (!account) return bitbucketError(404, `No account with nickname '${nickname}'.`);
      return json({ revoked: state.revokeTokensOf(account.uuid) });
    }
    const changes = /^\/repositories\/([^/]+)\/([^/]+)\/changes$/.exec(path);
    if (changes && method === "POST") {
      const repository = state.repository(decodeURIComponent(changes[1]!), decodeURIComponent(changes[2]!));
      if (!repository) return bitbucketError(404, "Repository not found.");
      const body = changesBody.parse(await jsonBody(request));
      return json({ applied: state.changeRepository(repository, body.changes as never) });
    }
    if (path === "/reset" && method === "POST") {
      state.reset();
      return new Response(null, { status: 204 });
    }
    const avatar = /^\/avatars\/(user|workspace|repository|project)\/([^/]+)\.svg$/.exec(path);
    if (avatar && method === "GET") {
      const id = decodeURIComponent(avatar[2]!);
      const label =
        avatar[1] === "user"
          ? state.accountByUuid(id)?.display_name
          : avatar[1] === "workspace"
            ? state.workspace(`{${id}}`)?.name
            : avatar[1] === "repository"
              ? "Repository"
              : "Project";
      return new Response(avatarSvg(label ?? "?", hashString(id)), {
        headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=3600" },
      });
    }
    return bitbucketError(404, `No sandbox endpoint ${method} /_sandbox${path}`);
  } catch (error) {
    return errorResponse(error);
  }
}
