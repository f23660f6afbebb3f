import type { CliCommand } from "../types.ts";

export const tokensCommands: Record<string, CliCommand> = {};
