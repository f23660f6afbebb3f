import { routeApiRequest } from "@/lib/api/endpoints";
import { createPersonalAccessToken } from "@/lib/tokens";
import { createLocalUser } from "@/lib/users/create";

/** A local user named after their username ("owner" is "Owner") and a personal access token of theirs. */
export async function userWithToken(username: string, options: { admin?: boolean; scopes?: ("api" | "read_api")[] } = {}) {
  const name = `${username[0]!.toUpperCase()}${username.slice(1)}`;
  const user = await createLocalUser({ username, email: `${username}@ferry.test`, name, password: "correct horse battery", admin: options.admin ?? false });
  const { token } = await createPersonalAccessToken(user.id, { name: "test", scopes: options.scopes ?? ["api"] });
  return { user, token };
}

/** Calls `/api/v4<pathname>` as the token's owner (anonymously without one), with a JSON or multipart body. */
export function callApi(method: string, pathname: string, token: string | null, body?: FormData | object): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers["private-token"] = token;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  return routeApiRequest(new Request(`http://localhost:3000/api/v4${pathname}`, { method, headers, body: payload }));
}
