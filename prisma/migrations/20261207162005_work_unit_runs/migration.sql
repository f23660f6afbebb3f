-- AlterTable
ALTER TABLE "import_work_units" DROP COLUMN "attempts",
DROP COLUMN "lease_owner",
DROP COLUMN "lease_until",
ADD COLUMN     "run" INTEGER NOT NULL DEFAULT 0;
