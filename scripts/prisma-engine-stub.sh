#!/bin/sh
# Stand-in for Prisma's native schema engine, so that `prisma generate` (which only
# needs the engine to exist) runs without downloading it. Ferry migrates through
# Prisma's WebAssembly schema engine instead: see lib/db/README.md.
echo "Ferry does not install Prisma's native schema engine. Migrations are applied at start-up" >&2
echo "(lib/db/migrate.ts) and written with 'npm run db:migration -- <name>'." >&2
exit 1
