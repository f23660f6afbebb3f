import type { CliCommand } from "../types.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export const usersCommands: Record<string, CliCommand> = {
  create: {
    usage: "--username <username> --email <email> (--password <password> | --password-stdin) [--name <name>] [--admin]",
    summary: "Creates a local user who signs in with username and password (--admin: an administrator).",
    options: {
      username: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      "password-stdin": { type: "boolean" },
      name: { type: "string" },
      admin: { type: "boolean" },
    },
    async run(values) {
      const { createLocalUser } = await import("../../../lib/users/create.ts");
      const { AppError } = await import("../../../lib/errors/index.ts");
      const missing = ["username", "email"].filter((key) => typeof values[key] !== "string");
      if (missing.length) throw new AppError("missing_option", `Missing ${missing.map((key) => `--${key}`).join(", ")}.`);
      if (typeof values.password === "string" && values["password-stdin"]) throw new AppError("conflicting_options", "Give either --password or --password-stdin, not both.");
      const password = values["password-stdin"] ? await readStdin() : values.password;
      if (typeof password !== "string") throw new AppError("missing_option", "Missing --password (or --password-stdin).");
      try {
        const user = await createLocalUser({
          username: values.username as string,
          email: values.email as string,
          password,
          name: typeof values.name === "string" ? values.name : undefined,
          admin: values.admin === true,
        });
        console.log(`Created ${user.isAdmin ? "administrator" : "user"} ${user.username} (${user.email}).`);
        return 0;
      } catch (error) {
        const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
        if (issues) throw new AppError("invalid_option", issues.map((issue) => `--${issue.path.join(".")} ${issue.message}`).join("; "));
        throw error;
      }
    },
  },
};
