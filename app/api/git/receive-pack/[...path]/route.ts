import { gitRoutes } from "../../handlers";

// Rewritten from /<project path>.git/git-receive-pack (next.config.js): Ferry is read-only (403).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function POST(request: Request, context: { params: Promise<{ path: string[] }> }) {
  return gitRoutes.receivePack(request, context);
}

export const GET = POST;
