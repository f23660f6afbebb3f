import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { PlaceholdersPage } from "@/components/groups/placeholders-page";
import { requireUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { canManagePlaceholders, topLevelNamespaceId } from "@/lib/projects/access";
import { namespaceHref } from "@/lib/projects/urls";
import { findNamespaceByPath } from "@/lib/users/placeholders";

/**
 * Group pages: `/groups/<full path>/-/<page>` (`/groups/<full path>` leads to the group's page at
 * `/<full path>`). Today only `placeholders`, for the Owners of a
 * top-level group (a subgroup's URL leads to its top-level group, where placeholders live).
 */

type Props = { params: Promise<{ segments: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function parse(segments: string[]): { fullPath: string; page: string | null } | null {
  const decoded = segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  const separator = decoded.indexOf("-");
  if (separator === -1) return { fullPath: decoded.join("/"), page: null };
  if (separator < 1 || decoded.length !== separator + 2) return null;
  return { fullPath: decoded.slice(0, separator).join("/"), page: decoded[separator + 1]! };
}

export const metadata: Metadata = { title: "Placeholders" };
export const dynamic = "force-dynamic";

export default async function GroupPage({ params, searchParams }: Props) {
  const { segments } = await params;
  const route = parse(segments);
  // A group's own page lives at its GitLab-style path.
  if (route?.page === null && route.fullPath) redirect(namespaceHref(route.fullPath));
  if (!route || route.page !== "placeholders") notFound();
  const user = await requireUser(`/groups/${route.fullPath}/-/placeholders`);
  const namespace = await findNamespaceByPath(route.fullPath);
  if (!namespace) notFound();
  if (namespace.parentId !== null) {
    const top = await db.namespace.findUniqueOrThrow({ where: { id: await topLevelNamespaceId(namespace.id) } });
    redirect(`/groups/${top.fullPath}/-/placeholders`);
  }
  // Someone who is not an Owner learns nothing about the group's placeholders.
  if (!(await canManagePlaceholders(user, namespace))) notFound();
  if (namespace.fullPath !== route.fullPath) redirect(`/groups/${namespace.fullPath}/-/placeholders`);
  const pageParam = Number([(await searchParams).page ?? "1"].flat()[0]);
  return <PlaceholdersPage namespace={namespace} page={Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1} />;
}
