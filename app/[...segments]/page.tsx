import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { pageTitle, ProjectPage, resolveProjectPage, routeKey, type SearchParams } from "@/components/projects/project-page";
import { projectHref, viewPath } from "@/lib/projects/urls";

/**
 * Every project page: `/<namespace…>/<project>` and `/<namespace…>/<project>/-/<page…>`.
 * More specific routes (/import/…, /sign-in, /api/…) take precedence over this catch-all.
 */

type Props = { params: Promise<{ segments: string[] }>; searchParams: Promise<SearchParams> };

/** Catch-all params arrive still URL-encoded (wiki slugs have spaces); decode each segment once. */
function decodeSegments(segments: readonly string[]): string[] {
  return segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const resolved = await resolveProjectPage(routeKey(decodeSegments((await params).segments)));
  return resolved ? { title: pageTitle(resolved) } : { title: "Not found" };
}

export default async function CatchAllPage({ params, searchParams }: Props) {
  const [{ segments: raw }, query] = await Promise.all([params, searchParams]);
  const segments = decodeSegments(raw);
  const resolved = await resolveProjectPage(routeKey(segments));
  if (!resolved) notFound();

  // A differently cased path finds the project too; send the browser to the canonical one.
  const requested = segments.slice(0, segments.includes("-") ? segments.indexOf("-") : undefined).join("/");
  if (requested !== resolved.project.fullPath) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) for (const item of [value ?? []].flat()) search.append(key, item);
    const suffix = search.size > 0 ? `?${search}` : "";
    redirect(`${projectHref(resolved.project.fullPath, ...viewPath(resolved.view))}${suffix}`);
  }

  return <ProjectPage resolved={resolved} searchParams={query} />;
}
