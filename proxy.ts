import { NextResponse, type NextRequest } from "next/server";
import { internalProjectPath, PUBLIC_URL_HEADER } from "@/lib/projects/urls";

/**
 * Project pages keep GitLab's URLs (`/<namespace…>/<project>/-/issues/3`) but are served by the
 * file routes under app/projects/[project]. Paths whose first segment is one of Ferry's own routes
 * never reach a project.
 */
export function proxy(request: NextRequest) {
  const internal = internalProjectPath(request.nextUrl.pathname);
  if (!internal) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = internal;
  const headers = new Headers(request.headers);
  headers.set(PUBLIC_URL_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.rewrite(url, { request: { headers } });
}

// Ferry's own multi-segment routes (the picker and its listing requests, admin, profile, groups…) skip the proxy entirely.
export const config = {
  matcher: ["/((?!api/|_next/|import/|admin/|profile/|groups/|users/|projects/|snippets/).*)"],
};
