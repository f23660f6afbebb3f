-- CreateEnum
CREATE TYPE "GistImportOutcome" AS ENUM ('imported', 'skipped', 'failed');

-- CreateTable
CREATE TABLE "snippets" (
    "id" SERIAL NOT NULL,
    "author_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" "Visibility" NOT NULL DEFAULT 'private',
    "import_source" TEXT,
    "source_id" TEXT,
    "source_url" TEXT,
    "default_branch" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "snippets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snippet_files" (
    "id" SERIAL NOT NULL,
    "snippet_id" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "snippet_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gist_imports" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'scheduled',
    "token" TEXT,
    "github_login" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "gist_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gist_import_items" (
    "id" SERIAL NOT NULL,
    "import_id" INTEGER NOT NULL,
    "gist_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "outcome" "GistImportOutcome" NOT NULL,
    "reason" TEXT,
    "snippet_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gist_import_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "snippets_visibility_idx" ON "snippets"("visibility");

-- CreateIndex
CREATE UNIQUE INDEX "snippets_author_id_import_source_source_id_key" ON "snippets"("author_id", "import_source", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "snippet_files_snippet_id_path_key" ON "snippet_files"("snippet_id", "path");

-- CreateIndex
CREATE INDEX "gist_imports_user_id_created_at_idx" ON "gist_imports"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "gist_imports_status_idx" ON "gist_imports"("status");

-- CreateIndex
CREATE UNIQUE INDEX "gist_import_items_import_id_gist_id_key" ON "gist_import_items"("import_id", "gist_id");

-- AddForeignKey
ALTER TABLE "snippets" ADD CONSTRAINT "snippets_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snippet_files" ADD CONSTRAINT "snippet_files_snippet_id_fkey" FOREIGN KEY ("snippet_id") REFERENCES "snippets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gist_imports" ADD CONSTRAINT "gist_imports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gist_import_items" ADD CONSTRAINT "gist_import_items_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "gist_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
