import { routeApiRequest } from "@/lib/api/endpoints";

// Ferry's GitLab-compatible REST API (lib/api). Route files at more specific paths under
// app/api/v4 take precedence over this catch-all.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = routeApiRequest;
export const POST = routeApiRequest;
export const PUT = routeApiRequest;
export const PATCH = routeApiRequest;
export const DELETE = routeApiRequest;
