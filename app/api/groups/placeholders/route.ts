import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth";
import { AppError, newRequestId, toPublicError } from "@/lib/errors";
import { canManagePlaceholders } from "@/lib/projects/access";
import { findNamespaceByPath, placeholdersCsv } from "@/lib/users/placeholders";

export const dynamic = "force-dynamic";

/** GET ?group=<top-level path>: the group's placeholders as CSV, for its Owners (fill in ferry_username and upload). */
export async function GET(request: NextRequest): Promise<Response> {
  const requestId = newRequestId();
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
    const path = request.nextUrl.searchParams.get("group") ?? "";
    const namespace = path ? await findNamespaceByPath(path) : null;
    if (!namespace || !(await canManagePlaceholders(user, namespace))) {
      throw new AppError("not_found", "Group not found, or you are not one of its Owners.");
    }
    return new Response(await placeholdersCsv(namespace.id), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${namespace.fullPath.replace(/[^A-Za-z0-9._-]/g, "_")}-placeholders.csv"`,
        "cache-control": "no-store",
        "x-request-id": requestId,
      },
    });
  } catch (error) {
    const { status, body } = toPublicError(error, requestId, "placeholders csv");
    return NextResponse.json({ error: body }, { status, headers: { "x-request-id": requestId } });
  }
}
