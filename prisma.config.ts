import path from "node:path";
import { defineConfig } from "prisma/config";

/**
 * Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from the
 * schema). Ferry generates the client with `npm run db:generate` and migrates through
 * lib/db (see lib/db/README.md); the URL is only used if someone runs other Prisma
 * CLI commands by hand, e.g. `DATABASE_URL=... npx prisma migrate deploy` on a machine
 * that has the native engine.
 */
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  datasource: process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : undefined,
});
