import { routeApiRequest } from "@/lib/api/endpoints";
import { createPersonalAccessToken } from "@/lib/tokens";
import { createLocalUser } from "@/lib/users/create";

/** A local user ("Alice" for alice) with a personal access token of the given scopes. */
export async function userWithToken(username: string, options: { admin?: boolean; scopes?: ("api" | "read_api")[] } = {}) {
  const name = `${username[0]!.toUpperCase()}${username.slice(1)}`;
  const user = await createLocalUser({ username, email: `${username}@ferry.test`, name, password: "correct horse battery", admin: options.admin ?? false });
  const { token } = await createPersonalAccessToken(user.id, { name: "test", scopes: options.scopes ?? ["api"] });
  return { user, token };
}

/** Calls `/api/v4<pathname>` in process, with a token and a JSON body when given. */
export function callApi(method: string, pathname: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers["private-token"] = token;
  if (body !== undefined) headers["content-type"] = "application/json";
  return routeApiRequest(new Request(`http://localhost:3000/api/v4${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}
