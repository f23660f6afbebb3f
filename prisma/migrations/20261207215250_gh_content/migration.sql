-- AlterTable
ALTER TABLE "merge_requests" ADD COLUMN     "milestone_id" INTEGER;

-- CreateTable
CREATE TABLE "issue_assignees" (
    "issue_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "issue_assignees_pkey" PRIMARY KEY ("issue_id","user_id")
);

-- CreateTable
CREATE TABLE "merge_request_labels" (
    "merge_request_id" INTEGER NOT NULL,
    "label_id" INTEGER NOT NULL,

    CONSTRAINT "merge_request_labels_pkey" PRIMARY KEY ("merge_request_id","label_id")
);

-- CreateTable
CREATE TABLE "merge_request_assignees" (
    "merge_request_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "merge_request_assignees_pkey" PRIMARY KEY ("merge_request_id","user_id")
);

-- Issue attachments become attachments of an issue, a merge request or a release (exactly one of them).
ALTER TABLE "issue_attachments" RENAME TO "attachments";
ALTER SEQUENCE "issue_attachments_id_seq" RENAME TO "attachments_id_seq";
ALTER TABLE "attachments" RENAME CONSTRAINT "issue_attachments_pkey" TO "attachments_pkey";
ALTER TABLE "attachments" RENAME CONSTRAINT "issue_attachments_project_id_fkey" TO "attachments_project_id_fkey";
ALTER TABLE "attachments" RENAME CONSTRAINT "issue_attachments_issue_id_fkey" TO "attachments_issue_id_fkey";
ALTER INDEX "issue_attachments_issue_id_file_name_key" RENAME TO "attachments_issue_id_file_name_key";
ALTER TABLE "attachments" ALTER COLUMN "issue_id" DROP NOT NULL,
    ADD COLUMN "merge_request_id" INTEGER,
    ADD COLUMN "release_id" INTEGER,
    ADD CONSTRAINT "attachments_one_owner" CHECK (num_nonnulls("issue_id", "merge_request_id", "release_id") = 1);

-- CreateIndex
CREATE UNIQUE INDEX "attachments_merge_request_id_file_name_key" ON "attachments"("merge_request_id", "file_name");

-- CreateIndex
CREATE UNIQUE INDEX "attachments_release_id_file_name_key" ON "attachments"("release_id", "file_name");

-- AddForeignKey
ALTER TABLE "issue_assignees" ADD CONSTRAINT "issue_assignees_issue_id_fkey" FOREIGN KEY ("issue_id") REFERENCES "issues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "issue_assignees" ADD CONSTRAINT "issue_assignees_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_requests" ADD CONSTRAINT "merge_requests_milestone_id_fkey" FOREIGN KEY ("milestone_id") REFERENCES "milestones"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_labels" ADD CONSTRAINT "merge_request_labels_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_labels" ADD CONSTRAINT "merge_request_labels_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_assignees" ADD CONSTRAINT "merge_request_assignees_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merge_request_assignees" ADD CONSTRAINT "merge_request_assignees_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_merge_request_id_fkey" FOREIGN KEY ("merge_request_id") REFERENCES "merge_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
