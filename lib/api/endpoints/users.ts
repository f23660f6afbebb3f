import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { createLocalUser, localUserSchema } from "@/lib/users/create";
import { ApiError, badRequest, forbidden, notFound } from "../errors";
import { pageOf, paginatedResponse, paginationQuery } from "../pagination";
import { apiBoolean, apiEnum, apiId, apiString, validationProblem } from "../params";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { userDetailSelect } from "@/lib/users/people";
import { serializeUserDetail } from "../serializers";

/** Bitbucket account uuids are `{8-4-4-4-12}`; the braces may be left off. */
function bitbucketUuid(value: string): string | null {
  const bare = value.trim().replace(/^\{|\}$/g, "").toLowerCase();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare) ? `{${bare}}` : null;
}

const currentUserRoute = apiRoute({ name: "current user", access: "read" }, async ({ caller }) => {
  const user = await db.user.findUniqueOrThrow({ where: { id: caller.id }, select: userDetailSelect });
  return serializeUserDetail(user, { full: true });
});

const listUsers = apiRoute(
  {
    name: "list users",
    access: "read",
    query: z.object({ ...paginationQuery, username: apiString().optional(), search: apiString().optional(), extern_uid: apiString().optional(), provider: apiString().optional() }),
  },
  async ({ caller, query, request }) => {
    const page = pageOf(query);
    const where: Prisma.UserWhereInput = { kind: "human" };
    if (query.username !== undefined) where.username = sameTextIgnoringCase(query.username);
    if (query.search) where.OR = [{ username: { contains: query.search, mode: "insensitive" } }, { name: { contains: query.search, mode: "insensitive" } }];
    if (query.extern_uid !== undefined) {
      // Looking users up by linked identity is an administrator's tool, as in GitLab.
      if (!caller.isAdmin) throw forbidden();
      const provider = query.provider ?? "bitbucket";
      where.accounts = { some: { provider, providerAccountId: provider === "bitbucket" ? (bitbucketUuid(query.extern_uid) ?? query.extern_uid) : query.extern_uid.trim() } };
    }
    const [users, total] = await Promise.all([
      db.user.findMany({ where, select: userDetailSelect, orderBy: { number: "asc" }, skip: page.skip, take: page.take }),
      db.user.count({ where }),
    ]);
    return paginatedResponse(request, users.map((user) => serializeUserDetail(user, { full: caller.isAdmin || user.id === caller.id })), page, total);
  },
);

const showUser = apiRoute({ name: "show user", access: "read" }, async ({ caller, params }) => {
  const number = apiId().safeParse(params.id);
  const user = number.success ? await db.user.findFirst({ where: { number: number.data, kind: "human" }, select: userDetailSelect }) : null;
  if (!user) throw notFound("User");
  return serializeUserDetail(user, { full: caller.isAdmin || user.id === caller.id });
});

const createUserSchema = z.object({
  username: apiString(),
  email: apiString(),
  name: apiString(),
  password: apiString(),
  admin: apiBoolean().optional(),
  provider: apiEnum(["bitbucket", "github"]).optional(),
  extern_uid: apiString().optional(),
  skip_confirmation: apiBoolean().optional(),
});

/** The account id a linked identity is stored under: a Bitbucket uuid in braces, or GitHub's numeric user id. */
function externAccountId(provider: "bitbucket" | "github", externUid: string): string {
  if (provider === "github") {
    if (!/^\d{1,20}$/.test(externUid.trim())) throw badRequest("extern_uid is invalid (must be a GitHub user id like 1001)");
    return externUid.trim();
  }
  const uuid = bitbucketUuid(externUid);
  if (!uuid) throw badRequest("extern_uid is invalid (must be a Bitbucket account uuid like {7b3f2a4e-91c5-4d8e-a6f0-2c1b9e8d7a01})");
  return uuid;
}

/**
 * `POST /users` (administrators): a local user with a password, optionally linked to a Bitbucket
 * identity by its account uuid (`provider=bitbucket`, `extern_uid={uuid}`) or to a GitHub account
 * by its numeric user id (`provider=github`, `extern_uid=1001`), so imports attribute that
 * account's work to the user.
 */
const createUser = apiRoute({ name: "create user", access: "write", body: createUserSchema }, async ({ caller, body }) => {
  if (!caller.isAdmin) throw forbidden();
  if (body.provider && !body.extern_uid) throw badRequest("extern_uid is missing");
  if (body.extern_uid && !body.provider) throw badRequest("provider is missing");
  const provider = body.provider ?? "bitbucket";
  const uuid = body.extern_uid ? externAccountId(provider, body.extern_uid) : null;
  if (uuid && (await db.account.findUnique({ where: { provider_providerAccountId: { provider, providerAccountId: uuid } }, select: { id: true } }))) {
    throw new ApiError(409, { message: "extern_uid has already been taken" });
  }
  const input = { username: body.username, email: body.email, name: body.name, password: body.password, admin: body.admin ?? false };
  const valid = localUserSchema.safeParse(input);
  if (!valid.success) throw validationProblem(valid.error, input);
  const user = await createLocalUser(input);
  if (uuid) {
    try {
      await db.account.create({ data: { userId: user.id, type: "oauth", provider, providerAccountId: uuid } });
    } catch (error) {
      // Linked by someone else in the meantime: undo the user rather than leave half of the request done.
      await db.user.delete({ where: { id: user.id } });
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ApiError(409, { message: "extern_uid has already been taken" });
      throw error;
    }
  }
  const created = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: userDetailSelect });
  return apiResponse(serializeUserDetail(created, { full: true }), { status: 201 });
});

export const userRoutes: ApiRoutes = {
  "/user": { GET: currentUserRoute },
  "/users": { GET: listUsers, POST: createUser },
  "/users/:id": { GET: showUser },
};
