/**
 * `npm run db:generate` (also run by `npm install`): generates the Prisma client into
 * lib/generated/prisma with no downloads.
 *
 * `prisma generate` itself only needs WebAssembly, but the CLI first makes sure the
 * native schema engine is present and downloads it otherwise. Pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at a stub satisfies that check; Ferry never runs the
 * native engine (migrations go through @prisma/schema-engine-wasm, see lib/db/README.md).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts", "prisma-engine-stub.sh"),
  // Generating needs no network: no update check, no telemetry request.
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
// Deprecated alias that would otherwise take part in the engine lookup.
delete env.PRISMA_MIGRATION_ENGINE_BINARY;

const result = spawnSync(process.execPath, [cli, "generate", ...process.argv.slice(2)], { cwd: root, env, stdio: "inherit" });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
