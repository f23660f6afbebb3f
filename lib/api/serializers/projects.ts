import type { Role } from "@/lib/generated/prisma/enums";
import type { NamespaceItem } from "@/lib/namespaces/read";
import { roleLevel } from "@/lib/projects/access";
import type { Project } from "@/lib/projects/read";
import { isoDate, webUrl } from "./users";

/** GitLab's Namespace (`GET /namespaces`, and `namespace` inside a project). */
export function serializeNamespace(namespace: NamespaceItem) {
  return {
    id: namespace.id,
    name: namespace.name,
    path: namespace.path,
    kind: namespace.kind,
    full_path: namespace.fullPath,
    parent_id: namespace.parentId,
    avatar_url: null,
    web_url: namespace.kind === "group" ? webUrl("groups", namespace.fullPath) : webUrl(namespace.fullPath),
  };
}

/** GitLab's Group. Ferry's groups have no visibility of their own; they are seen by their members. */
export function serializeGroup(group: NamespaceItem, fullName: string) {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    description: group.description ?? "",
    visibility: "private",
    full_name: fullName,
    full_path: group.fullPath,
    parent_id: group.parentId,
    created_at: isoDate(group.createdAt),
    avatar_url: null,
    web_url: webUrl("groups", group.fullPath),
  };
}

/** GitLab's access levels are Ferry's role levels (lib/projects/access.ts). */
export const accessLevel = roleLevel;

const ROLES_BY_LEVEL: readonly Role[] = ["owner", "maintainer", "developer", "reporter", "guest"];

export function roleForAccessLevel(level: number): Role | null {
  return ROLES_BY_LEVEL.find((role) => roleLevel(role) <= level) ?? null;
}

/**
 * GitLab's Project. `import_url` is the source repository's web page (Ferry never stores
 * credentials in it); `http_url_to_repo` is Ferry's clone URL.
 */
export function serializeProject(project: Project, options: { namespaceFullName: string; role?: Role | null; detailed?: boolean }) {
  const namespace = serializeNamespace(project.namespace);
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${options.namespaceFullName} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.fullPath,
    created_at: isoDate(project.createdAt),
    last_activity_at: isoDate(project.updatedAt),
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: null,
    http_url_to_repo: `${webUrl(project.fullPath)}.git`,
    web_url: webUrl(project.fullPath),
    readme_url: null,
    avatar_url: null,
    forks_count: 0,
    star_count: 0,
    namespace,
    visibility: project.visibility,
    archived: false,
    empty_repo: project.defaultBranch === null,
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: project.hasWiki,
    creator_id: project.creator?.number ?? null,
    open_issues_count: project._count.issues,
    import_type: project.importType,
    import_status: project.import?.status ?? "none",
    import_error: project.import?.error ?? null,
    import_url: project.importUrl,
    import_source: project.importSource,
    import_warning: project.importWarning,
    ...(options.detailed
      ? {
          permissions: {
            project_access: null,
            group_access: options.role ? { access_level: accessLevel(options.role), notification_level: 3 } : null,
          },
        }
      : {}),
  };
}
