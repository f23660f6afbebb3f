import { gitRoutes } from "../../../handlers";

// Rewritten from /<project path>.git/gitlab-lfs/objects/<oid> (next.config.js).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(request: Request, context: { params: Promise<{ oid: string; path: string[] }> }) {
  return gitRoutes.lfsObject(request, context);
}

export const HEAD = GET;
