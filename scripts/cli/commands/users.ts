import type { CliCommand } from "../types.ts";

export const usersCommands: Record<string, CliCommand> = {};
