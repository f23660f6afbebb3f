-- CreateTable
CREATE TABLE "bitbucket_server_connections" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "server_url" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "token_secret" TEXT NOT NULL,
    "last_used_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bitbucket_server_connections_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "bitbucket_server_connections_user_id_server_url_username_key" ON "bitbucket_server_connections"("user_id", "server_url", "username");

-- AddForeignKey
ALTER TABLE "bitbucket_server_connections" ADD CONSTRAINT "bitbucket_server_connections_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
