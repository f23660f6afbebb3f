import { gitRoutes } from "../../handlers";

// Rewritten from /<project path>.git/git-upload-pack (next.config.js).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function POST(request: Request, context: { params: Promise<{ path: string[] }> }) {
  return gitRoutes.uploadPack(request, context);
}
