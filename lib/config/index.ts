import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The one place Ferry reads its environment. Every value is validated; a wrong
 * value stops start-up with a message that names the variable.
 */
const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), "must be an http(s) URL")
  .transform((value) => value.replace(/\/+$/, ""));

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  BITBUCKET_URL: httpUrl.default("https://bitbucket.org"),
  BITBUCKET_API_URL: httpUrl.default("https://api.bitbucket.org"),
  BITBUCKET_CLIENT_ID: z.string().min(1).optional(),
  BITBUCKET_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_URL: httpUrl.default("https://github.com"),
  GITHUB_API_URL: httpUrl.default("https://api.github.com"),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  NEXTAUTH_URL: httpUrl.default("http://localhost:3000"),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  FERRY_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded")
    .optional(),
  /** Hosts (host or host:port) that git and user-supplied URLs may reach besides the Bitbucket and GitHub URLs. */
  ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((host) => host.trim().toLowerCase()).filter(Boolean)),
  /** Bytes of unused uploads one user may hold at a time, and all users together. */
  UPLOAD_QUOTA_BYTES: z.coerce.number().int().positive().default(4 * 1024 ** 3),
  UPLOADS_TOTAL_BYTES: z.coerce.number().int().positive().default(20 * 1024 ** 3),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WORKERS: z.coerce.number().int().min(0).default(1),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type FerryConfig = Omit<z.infer<typeof envSchema>, "NEXTAUTH_SECRET" | "FERRY_ENCRYPTION_KEY"> & {
  DATA_DIR: string;
  NEXTAUTH_SECRET: string;
  FERRY_ENCRYPTION_KEY: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const secretsSchema = z.object({
  nextauthSecret: z.string().min(32),
  encryptionKey: z.string().refine((value) => Buffer.from(value, "base64").length === 32),
});
type GeneratedSecrets = z.infer<typeof secretsSchema>;

export function secretsFile(dataDir: string): string {
  return path.join(dataDir, "secrets.json");
}

/**
 * Secrets that are not given in the environment are generated once into DATA_DIR
 * (file mode 0600) so every process of the installation shares them.
 */
function loadOrCreateSecrets(dataDir: string): GeneratedSecrets {
  const file = secretsFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const fresh: GeneratedSecrets = {
      nextauthSecret: randomBytes(32).toString("base64url"),
      encryptionKey: randomBytes(32).toString("base64"),
    };
    try {
      writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: "wx" });
      return fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const parsed = secretsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new ConfigError(`${file} is not a valid Ferry secrets file; remove it to generate new secrets`);
  return parsed.data;
}

export function parseConfig(env: Record<string, string | undefined>): FerryConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const values = result.data;
  const dataDir = path.resolve(values.DATA_DIR);
  const needsGenerated = !values.NEXTAUTH_SECRET || !values.FERRY_ENCRYPTION_KEY;
  const generated = needsGenerated ? loadOrCreateSecrets(dataDir) : undefined;
  return {
    ...values,
    DATA_DIR: dataDir,
    NEXTAUTH_SECRET: values.NEXTAUTH_SECRET ?? generated!.nextauthSecret,
    FERRY_ENCRYPTION_KEY: values.FERRY_ENCRYPTION_KEY ?? generated!.encryptionKey,
  };
}

let cached: FerryConfig | undefined;

/** The validated configuration of this process (read once). */
export function config(): FerryConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Reads the environment again on next use (a process that changed it, and tests). */
export function reloadConfig(): void {
  cached = undefined;
}

export const resetConfigForTests = reloadConfig;
