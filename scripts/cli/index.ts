/**
 * `npx ferry <group> <command> [options]`. Each group lives in its own module under
 * scripts/cli/commands and registers its commands here.
 */
import { parseArgs } from "node:util";
import { connectCliDatabase } from "./database.ts";
import type { CliCommand, CliValues } from "./types.ts";
import { usersCommands } from "./commands/users.ts";
import { tokensCommands } from "./commands/tokens.ts";

const groups: Record<string, Record<string, CliCommand>> = {
  users: usersCommands,
  tokens: tokensCommands,
};

function usage(): string {
  const lines = ["Usage: npx ferry <group> <command> [options]", ""];
  for (const [group, commands] of Object.entries(groups)) {
    for (const [name, command] of Object.entries(commands)) lines.push(`  ferry ${group} ${name} ${command.usage}`.trimEnd(), `      ${command.summary}`);
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [group, name, ...rest] = argv;
  if (!group || group === "--help" || group === "-h" || group === "help") {
    console.log(usage());
    return 0;
  }
  const command = groups[group]?.[name ?? ""];
  if (!command) {
    console.error(`Unknown command: ferry ${[group, name].filter(Boolean).join(" ")}\n\n${usage()}`);
    return 2;
  }
  let values: CliValues;
  try {
    ({ values } = parseArgs({ args: rest, options: command.options, allowPositionals: false, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: ferry ${group} ${name} ${command.usage}`);
    return 2;
  }
  const database = await connectCliDatabase();
  try {
    return await command.run(values);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code && error instanceof Error) {
      console.error(`ferry: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
