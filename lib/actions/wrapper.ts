import { z } from "zod";
import { currentUser, type SessionUser } from "@/lib/auth";
import { AppError, newRequestId, toPublicError, validationError, type PublicError } from "@/lib/errors";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: PublicError };

/**
 * The one entry point for server actions: validates the input with the schema, requires a
 * signed-in user, and returns expected errors as data (unexpected ones are logged with a
 * request id). The handler performs its own explicit permission check on the target.
 */
export function userAction<Schema extends z.ZodType, Result>(
  context: string,
  schema: Schema,
  handler: (input: z.infer<Schema>, ctx: { user: SessionUser; requestId: string }) => Promise<Result>,
): (input: z.input<Schema>) => Promise<ActionResult<Result>> {
  return async (input) => {
    const requestId = newRequestId();
    try {
      const user = await currentUser();
      if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
      const parsed = schema.safeParse(input);
      if (!parsed.success) throw validationError(parsed.error, "input");
      return { ok: true, data: await handler(parsed.data, { user, requestId }) };
    } catch (error) {
      return { ok: false, error: toPublicError(error, requestId, context).body };
    }
  };
}

/**
 * For the few actions that run before anyone is signed in (password sign-in): validates the input
 * and returns errors as data like userAction. The handler is the permission check.
 */
export function anonymousAction<Schema extends z.ZodType, Result>(
  context: string,
  schema: Schema,
  handler: (input: z.infer<Schema>, ctx: { requestId: string }) => Promise<Result>,
): (input: z.input<Schema>) => Promise<ActionResult<Result>> {
  return async (input) => {
    const requestId = newRequestId();
    try {
      const parsed = schema.safeParse(input);
      if (!parsed.success) throw validationError(parsed.error, "input");
      return { ok: true, data: await handler(parsed.data, { requestId }) };
    } catch (error) {
      return { ok: false, error: toPublicError(error, requestId, context).body };
    }
  };
}
