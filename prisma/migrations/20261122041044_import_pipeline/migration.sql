-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('private', 'internal', 'public');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('scheduled', 'started', 'finished', 'partial', 'failed', 'canceled');

-- CreateEnum
CREATE TYPE "MessageSeverity" AS ENUM ('info', 'warning', 'error');

-- CreateEnum
CREATE TYPE "MilestoneState" AS ENUM ('active', 'closed');

-- CreateEnum
CREATE TYPE "IssueState" AS ENUM ('opened', 'closed');

-- CreateEnum
CREATE TYPE "MergeRequestState" AS ENUM ('opened', 'closed', 'merged');

-- CreateTable
CREATE TABLE "projects" (
    "id" SERIAL NOT NULL,
    "namespace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "full_path" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" "Visibility" NOT NULL DEFAULT 'private',
    "default_branch" TEXT,
    "has_wiki" BOOLEAN NOT NULL DEFAULT false,
    "creator_id" TEXT,
    "import_type" TEXT,
    "import_source" TEXT,
    "import_url" TEXT,
    "import_warning" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_imports" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "source_repository" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "credential_account_id" TEXT,
    "credential_secret" TEXT,
    "status" "ImportStatus" NOT NULL DEFAULT 'scheduled',
    "stage" TEXT,
    "error" TEXT,
    "options" JSONB NOT NULL DEFAULT '{}',
    "cancel_requested_at" TIMESTAMP(3),
    "waiting_until" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "project_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_progress" (
    "import_id" INTEGER NOT NULL,
    "object_type" TEXT NOT NULL,
    "total" INTEGER,
    "fetched" INTEGER NOT NULL DEFAULT 0,
    "imported" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "import_progress_pkey" PRIMARY KEY ("import_id","object_type")
);

-- CreateTable
CREATE TABLE "import_failures" (
    "id" SERIAL NOT NULL,
    "import_id" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "source_url" TEXT,
    "message" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "resolved_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "import_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_messages" (
    "id" SERIAL NOT NULL,
    "import_id" INTEGER NOT NULL,
    "severity" "MessageSeverity" NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_work_units" (
    "id" SERIAL NOT NULL,
    "import_id" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "cursor" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "done" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "import_work_units_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_source_users" (
    "import_id" INTEGER NOT NULL,
    "uuid" TEXT NOT NULL,
    "account_id" TEXT,
    "nickname" TEXT,
    "display_name" TEXT,
    "user_id" TEXT,

    CONSTRAINT "import_source_users_pkey" PRIMARY KEY ("import_id","uuid")
);

-- CreateTable
CREATE TABLE "labels" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "color" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "labels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "milestones" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "iid" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" "MilestoneState" NOT NULL DEFAULT 'active',
    "due_date" TIMESTAMP(3),
    "source_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "milestones_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "issues" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "iid" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" "IssueState" NOT NULL DEFAULT 'opened',
    "author_id" TEXT NOT NULL,
    "assignee_id" TEXT,
    "milestone_id" INTEGER,
    "upvotes" INTEGER NOT NULL DEFAULT 0,
    "closed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "imported_from" TEXT,
    "source_id" TEXT,
    "source_author" JSONB,
    "source_assignee" JSONB,

    CONSTRAINT "issues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "issue_labels" (
    "issue_id" INTEGER NOT NULL,
    "label_id" INTEGER NOT NULL,

    CONSTRAINT "issue_labels_pkey" PRIMARY KEY ("issue_id","label_id")
);

-- CreateTable
CREATE TABLE "merge_requests" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "iid" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" "MergeRequestState" NOT NULL DEFAULT 'opened',
    "draft" BOOLEAN NOT NULL DEFAULT false,
    "source_branch" TEXT NOT NULL,
    "target_branch" TEXT NOT NULL,
    "source_sha" TEXT,
    "target_sha" TEXT,
    "merge_commit_sha" TEXT,
    "source_fork" TEXT,
    "author_id" TEXT NOT NULL,
    "assignee_id" TEXT,
    "merged_by_id" TEXT,
    "closed_by_id" TEXT,
    "merged_at" TIMESTAMP(3),
    "closed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "imported_from" TEXT,
    "source_id" TEXT,
    "source_author" JSONB,
    "source_closed_by" JSONB,

    CONSTRAINT "merge_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "merge_request_reviewers" (
    "merge_request_id" INTEGER NOT NULL,
    "source_user_id" TEXT NOT NULL,
    "user_id" TEXT,
    "source_user" JSONB NOT NULL,

    CONSTRAINT "merge_request_reviewers_pkey" PRIMARY KEY ("merge_request_id","source_user_id")
);

-- CreateTable
CREATE TABLE "approvals" (
    "id" SERIAL NOT NULL,
    "merge_request_id" INTEGER NOT NULL,
    "source_user_id" TEXT NOT NULL,
    "user_id" TEXT,
    "source_user" JSONB NOT NULL,
    "approved_at" TIMESTAMP(3),
    "imported_from" TEXT,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notes" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "issue_id" INTEGER,
    "merge_request_id" INTEGER,
    "discussion_id" TEXT NOT NULL,
    "type" TEXT,
    "body" TEXT NOT NULL,
    "system" BOOLEAN NOT NULL DEFAULT false,
    "author_id" TEXT NOT NULL,
    "position" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "imported_from" TEXT,
    "source_id" TEXT,
    "source_author" JSONB,

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_lfs_objects" (
    "project_id" INTEGER NOT NULL,
    "oid" TEXT NOT NULL,
    "size" BIGINT NOT NULL,

    CONSTRAINT "project_lfs_objects_pkey" PRIMARY KEY ("project_id","oid")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_full_path_key" ON "projects"("full_path");

-- CreateIndex
CREATE UNIQUE INDEX "projects_namespace_id_path_key" ON "projects"("namespace_id", "path");

-- CreateIndex
CREATE UNIQUE INDEX "project_imports_project_id_key" ON "project_imports"("project_id");

-- CreateIndex
CREATE INDEX "project_imports_status_idx" ON "project_imports"("status");

-- CreateIndex
CREATE UNIQUE INDEX "import_failures_import_id_object_type_source_id_key" ON "import_failures"("import_id", "object_type", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "import_messages_import_id_code_key" ON "import_messages"("import_id", "code");

-- CreateIndex
CREATE INDEX "import_work_units_import_id_stage_done_idx" ON "import_work_units"("import_id", "stage", "done");

-- CreateIndex
CREATE UNIQUE INDEX "import_work_units_import_id_stage_key_key" ON "import_work_units"("import_id", "stage", "key");

-- CreateIndex
CREATE INDEX "import_source_users_import_id_account_id_idx" ON "import_source_users"("import_id", "account_id");

-- CreateIndex
CREATE UNIQUE INDEX "labels_project_id_title_key" ON "labels"("project_id", "title");

-- CreateIndex
CREATE UNIQUE INDEX "milestones_project_id_title_key" ON "milestones"("project_id", "title");

-- CreateIndex
CREATE UNIQUE INDEX "milestones_project_id_iid_key" ON "milestones"("project_id", "iid");

-- CreateIndex
CREATE UNIQUE INDEX "issues_project_id_iid_key" ON "issues"("project_id", "iid");

-- CreateIndex
CREATE UNIQUE INDEX "merge_requests_project_id_iid_key" ON "merge_requests"("project_id", "iid");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_merge_request_id_source_user_id_key" ON "approvals"("merge_request_id", "source_user_id");

-- CreateIndex
CREATE INDEX "notes_project_id_idx" ON "notes"("project_id");

-- CreateIndex
CREATE INDEX "notes_discussion_id_idx" ON "notes"("discussion_id");

-- CreateIndex
CREATE UNIQUE INDEX "notes_issue_id_source_id_key" ON "notes"("issue_id", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "notes_merge_request_id_source_id_key" ON "notes"("merge_request_id", "source_id");

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_imports" ADD CONSTRAINT "project_imports_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_imports" ADD CONSTRAINT "project_imports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_progress" ADD CONSTRAINT "import_progress_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_failures" ADD CONSTRAINT "import_failures_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_messages" ADD CONSTRAINT "import_messages_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_work_units" ADD CONSTRAINT "import_work_units_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_source_users" ADD CONSTRAINT "import_source_users_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "project_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "labels" ADD CONSTRAINT "labels_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issues" ADD CONSTRAINT "issues_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issues" ADD CONSTRAINT "issues_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issues" ADD CONSTRAINT "issues_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issues" ADD CONSTRAINT "issues_milestone_id_fkey" FOREIGN KEY ("milestone_id") REFERENCES "milestones"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issue_labels" ADD CONSTRAINT "issue_labels_issue_id_fkey" FOREIGN KEY ("issue_id") REFERENCES "issues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issue_labels" ADD CONSTRAINT "issue_labels_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_merged_by_id_fkey" FOREIGN KEY ("merged_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_closed_by_id_fkey" FOREIGN KEY ("closed_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_reviewers" ADD CONSTRAINT "merge_request_reviewers_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_reviewers" ADD CONSTRAINT "merge_request_reviewers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_issue_id_fkey" FOREIGN KEY ("issue_id") REFERENCES "issues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_lfs_objects" ADD CONSTRAINT "project_lfs_objects_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
