-- CreateEnum
CREATE TYPE "UserKind" AS ENUM ('human', 'placeholder');

-- CreateEnum
CREATE TYPE "ReassignmentStatus" AS ENUM ('pending', 'awaiting_approval', 'reassigned', 'rejected', 'kept_as_placeholder');

-- CreateEnum
CREATE TYPE "ArchiveJobKind" AS ENUM ('bitbucket_issues', 'wiki');

-- CreateEnum
CREATE TYPE "ArchiveJobState" AS ENUM ('queued', 'running', 'completed', 'failed', 'aborted', 'canceled');

-- AlterTable
ALTER TABLE "issues" ADD COLUMN     "watchers" JSONB;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "kind" "UserKind" NOT NULL DEFAULT 'human',
ADD COLUMN     "placeholder_namespace_id" INTEGER,
ADD COLUMN     "placeholder_source" JSONB,
ADD COLUMN     "placeholder_source_key" TEXT;

-- CreateTable
CREATE TABLE "placeholder_reassignments" (
    "id" SERIAL NOT NULL,
    "placeholder_id" TEXT NOT NULL,
    "namespace_id" INTEGER NOT NULL,
    "status" "ReassignmentStatus" NOT NULL DEFAULT 'pending',
    "target_user_id" TEXT,
    "requested_by_id" TEXT,
    "requested_at" TIMESTAMP(3),
    "decided_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "placeholder_reassignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "personal_access_tokens" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "token_hash" TEXT NOT NULL,
    "token_prefix" TEXT NOT NULL,
    "expires_at" DATE,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "personal_access_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "archive_import_jobs" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" "ArchiveJobKind" NOT NULL,
    "state" "ArchiveJobState" NOT NULL DEFAULT 'queued',
    "file_path" TEXT,
    "original_file_name" TEXT,
    "source_url" TEXT,
    "options" JSONB NOT NULL DEFAULT '{}',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "cancel_requested_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "archive_import_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "archive_import_messages" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "severity" "MessageSeverity" NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "archive_import_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "issue_attachments" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "issue_id" INTEGER NOT NULL,
    "file_name" TEXT NOT NULL,
    "original_name" TEXT NOT NULL,
    "storage_path" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "content_type" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "issue_attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "placeholder_reassignments_placeholder_id_key" ON "placeholder_reassignments"("placeholder_id");

-- CreateIndex
CREATE INDEX "placeholder_reassignments_namespace_id_status_idx" ON "placeholder_reassignments"("namespace_id", "status");

-- CreateIndex
CREATE INDEX "placeholder_reassignments_target_user_id_status_idx" ON "placeholder_reassignments"("target_user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "personal_access_tokens_token_hash_key" ON "personal_access_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "personal_access_tokens_user_id_idx" ON "personal_access_tokens"("user_id");

-- CreateIndex
CREATE INDEX "archive_import_jobs_project_id_idx" ON "archive_import_jobs"("project_id");

-- CreateIndex
CREATE INDEX "archive_import_messages_job_id_idx" ON "archive_import_messages"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "issue_attachments_issue_id_file_name_key" ON "issue_attachments"("issue_id", "file_name");

-- CreateIndex
CREATE UNIQUE INDEX "users_placeholder_namespace_id_placeholder_source_key_key" ON "users"("placeholder_namespace_id", "placeholder_source_key");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_placeholder_namespace_id_fkey" FOREIGN KEY ("placeholder_namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placeholder_reassignments" ADD CONSTRAINT "placeholder_reassignments_placeholder_id_fkey" FOREIGN KEY ("placeholder_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placeholder_reassignments" ADD CONSTRAINT "placeholder_reassignments_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placeholder_reassignments" ADD CONSTRAINT "placeholder_reassignments_target_user_id_fkey" FOREIGN KEY ("target_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placeholder_reassignments" ADD CONSTRAINT "placeholder_reassignments_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "personal_access_tokens" ADD CONSTRAINT "personal_access_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "archive_import_jobs" ADD CONSTRAINT "archive_import_jobs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "archive_import_jobs" ADD CONSTRAINT "archive_import_jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "archive_import_messages" ADD CONSTRAINT "archive_import_messages_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "archive_import_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issue_attachments" ADD CONSTRAINT "issue_attachments_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issue_attachments" ADD CONSTRAINT "issue_attachments_issue_id_fkey" FOREIGN KEY ("issue_id") REFERENCES "issues"("id") ON DELETE CASCADE ON UPDATE CASCADE;
