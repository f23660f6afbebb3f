import type { ParseArgsConfig } from "node:util";

export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export type CliCommand = {
  /** Options after the command, e.g. "--user <username> --name <name>". */
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Returns the exit code. Expected problems throw AppError (printed without a stack). */
  run(values: CliValues): Promise<number>;
};
