import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { currentUser, type SessionUser } from "@/lib/auth";
import { AppError, newRequestId, toPublicError, validationError } from "@/lib/errors";

type RouteContext<Query> = { request: NextRequest; user: SessionUser; query: Query; requestId: string };

function queryObject(url: URL): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    result[key] = values.length === 1 ? values[0]! : values;
  }
  return result;
}

/**
 * The one entry point for Ferry's internal JSON routes: authenticates the caller,
 * validates the query, and turns errors into `{ error: { code, message } }` with a request id.
 * The handler returns JSON-able data, or a Response of its own (e.g. a stream).
 */
export function userRoute<QuerySchema extends z.ZodType>(
  options: { query: QuerySchema; context: string },
  handler: (context: RouteContext<z.infer<QuerySchema>>) => Promise<unknown>,
) {
  return async (request: NextRequest): Promise<Response> => {
    const requestId = newRequestId();
    try {
      const user = await currentUser();
      if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
      const parsed = options.query.safeParse(queryObject(new URL(request.url)));
      if (!parsed.success) throw validationError(parsed.error, "query");
      const body = await handler({ request, user, query: parsed.data, requestId });
      // A handler that streams its answer builds the Response itself.
      if (body instanceof Response) {
        body.headers.set("x-request-id", requestId);
        return body;
      }
      return NextResponse.json(body, { headers: { "x-request-id": requestId, "cache-control": "no-store" } });
    } catch (error) {
      const { status, body } = toPublicError(error, requestId, options.context);
      return NextResponse.json({ error: body }, { status, headers: { "x-request-id": requestId } });
    }
  };
}
