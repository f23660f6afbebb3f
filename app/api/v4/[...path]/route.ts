import { routeApiRequest } from "@/lib/api/endpoints";

// Ferry's GitLab-compatible REST API: every endpoint is declared in lib/api/endpoints, none as
// a route file of its own.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = routeApiRequest;
export const POST = routeApiRequest;
export const PUT = routeApiRequest;
export const PATCH = routeApiRequest;
export const DELETE = routeApiRequest;
