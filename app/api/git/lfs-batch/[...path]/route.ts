import { gitRoutes } from "../../handlers";

// Rewritten from /<project path>.git/info/lfs/objects/batch (next.config.js).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function POST(request: Request, context: { params: Promise<{ path: string[] }> }) {
  return gitRoutes.lfsBatch(request, context);
}
