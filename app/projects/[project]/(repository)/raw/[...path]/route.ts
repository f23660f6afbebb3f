import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth";
import { newRequestId, toPublicError } from "@/lib/errors";
import { loadProjectForUser } from "@/lib/projects/read";
import { decodeRouteParam } from "@/lib/projects/urls";
import { locate, projectRepository, rawFileResponse } from "@/lib/repository";

type Context = { params: Promise<{ project: string; path: string[] }> };

/**
 * `/<project>/-/raw/<ref>/<path>`: a file's content (an LFS file's stored object), for whoever can
 * read the project (a project they cannot read looks like a missing file). Never rendered as a
 * page of Ferry's origin: see rawFileResponse's headers.
 */
async function serveRaw(request: NextRequest, context: Context): Promise<Response> {
  const requestId = newRequestId();
  const notFound = () => NextResponse.json({ error: { code: "not_found", message: "File not found." } }, { status: 404, headers: { "x-request-id": requestId } });
  try {
    const { project: param, path } = await context.params;
    const loaded = await loadProjectForUser(await currentUser(), decodeRouteParam(param));
    const repoPath = loaded && projectRepository(loaded.project.id);
    if (!loaded || !repoPath) return notFound();
    const location = await locate(repoPath, path.map(decodeRouteParam));
    const response = location && (await rawFileResponse(request, loaded.project.id, repoPath, location));
    if (!response) return notFound();
    response.headers.set("x-request-id", requestId);
    return response;
  } catch (error) {
    const { status, body } = toPublicError(error, requestId, "raw file");
    return NextResponse.json({ error: body }, { status, headers: { "x-request-id": requestId } });
  }
}

export const GET = serveRaw;
export const HEAD = serveRaw;
