import type { NextRequest } from "next/server";
import { handleAuthRoute } from "@/lib/auth/route-handler";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handler(request: NextRequest, context: Context) {
  return handleAuthRoute(request, await context.params);
}

export { handler as GET, handler as POST };
