import { TOKEN_SCOPES } from "../../../lib/tokens/index.ts";
import type { CliCommand } from "../types.ts";

function usageError(message: string): Error {
  return Object.assign(new Error(message), { code: "usage" });
}

export const tokensCommands: Record<string, CliCommand> = {
  create: {
    usage: "--user <username> --name <name> [--scopes api[,read_api]] [--expires YYYY-MM-DD]",
    summary: "Creates a personal access token for the user and prints it (it is not shown again).",
    options: {
      user: { type: "string" },
      name: { type: "string" },
      scopes: { type: "string", multiple: true },
      expires: { type: "string" },
    },
    async run(values) {
      const { db } = await import("../../../lib/db/index.ts");
      const { createPersonalAccessToken } = await import("../../../lib/tokens/index.ts");
      const username = typeof values.user === "string" ? values.user.trim() : "";
      const name = typeof values.name === "string" ? values.name : "";
      if (!username) throw usageError("--user <username> is required");
      if (!name.trim()) throw usageError("--name <name> is required");
      const scopes = [values.scopes ?? "api"].flat().flatMap((value) => String(value).split(",")).map((scope) => scope.trim()).filter(Boolean);
      const unknown = scopes.filter((scope) => !(TOKEN_SCOPES as readonly string[]).includes(scope));
      if (unknown.length) throw usageError(`Unknown scope ${unknown.join(", ")}; use ${TOKEN_SCOPES.join(" or ")}`);

      const user = await db.user.findFirst({ where: { username: { equals: username, mode: "insensitive" }, kind: "human" }, select: { id: true } });
      if (!user) throw usageError(`No user named ${username}`);
      const { token } = await createPersonalAccessToken(user.id, {
        name,
        scopes: scopes as (typeof TOKEN_SCOPES)[number][],
        expiresAt: typeof values.expires === "string" ? values.expires : undefined,
      });
      console.log(token);
      return 0;
    },
  },
};
