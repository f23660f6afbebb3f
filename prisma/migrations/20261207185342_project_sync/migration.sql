-- AlterTable
ALTER TABLE "import_failures" ADD COLUMN     "sync_id" INTEGER;

-- AlterTable
ALTER TABLE "notes" ADD COLUMN     "deleted_at_source" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "project_imports" ADD COLUMN     "active_sync_id" INTEGER,
ADD COLUMN     "cut_over_at" TIMESTAMP(3),
ADD COLUMN     "next_sync_at" TIMESTAMP(3),
ADD COLUMN     "sync_interval_minutes" INTEGER,
ADD COLUMN     "sync_watermarks" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "project_syncs" (
    "id" SERIAL NOT NULL,
    "import_id" INTEGER NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'scheduled',
    "trigger" TEXT NOT NULL,
    "user_id" TEXT,
    "import_status" "ImportStatus" NOT NULL,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_syncs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_sync_counts" (
    "sync_id" INTEGER NOT NULL,
    "object_type" TEXT NOT NULL,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "project_sync_counts_pkey" PRIMARY KEY ("sync_id","object_type")
);

-- CreateIndex
CREATE INDEX "project_syncs_import_id_id_idx" ON "project_syncs"("import_id", "id");

-- AddForeignKey
ALTER TABLE "project_syncs" ADD CONSTRAINT "project_syncs_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_sync_counts" ADD CONSTRAINT "project_sync_counts_sync_id_fkey" FOREIGN KEY ("sync_id") REFERENCES "project_syncs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
