import { gitRoutes } from "../../handlers";

// Rewritten from /<project path>.git/info/refs?service=git-upload-pack (next.config.js).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(request: Request, context: { params: Promise<{ path: string[] }> }) {
  return gitRoutes.infoRefs(request, context);
}

export const HEAD = GET;
