/**
 * Project URLs, GitLab style: `/<namespace path>/<project path>` for the overview and
 * `/<project>/-/<page>` for everything else.
 */

export type ProjectView =
  | { kind: "overview" }
  | { kind: "issues" }
  | { kind: "issue"; iid: number }
  | { kind: "merge_requests" }
  | { kind: "merge_request"; iid: number }
  | { kind: "labels" }
  | { kind: "milestones" }
  | { kind: "wikis" }
  | { kind: "wiki"; slug: string }
  | { kind: "import" }
  | { kind: "settings_import" };

export type ProjectRoute = { fullPath: string; view: ProjectView };

/** The navigation tab a view belongs to. */
export type ProjectTab = "overview" | "issues" | "merge_requests" | "labels" | "milestones" | "wikis" | "import" | "settings";

const MAX_IID = 2_147_483_647;

function parseIid(value: string | undefined): number | null {
  if (!value || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const iid = Number(value);
  return iid <= MAX_IID ? iid : null;
}

function parseView(rest: readonly string[]): ProjectView | null {
  const [page, ...more] = rest;
  switch (page) {
    case "issues":
    case "merge_requests": {
      if (more.length === 0) return { kind: page };
      const iid = more.length === 1 ? parseIid(more[0]) : null;
      if (iid === null) return null;
      return page === "issues" ? { kind: "issue", iid } : { kind: "merge_request", iid };
    }
    case "labels":
    case "milestones":
    case "import":
      return more.length === 0 ? { kind: page } : null;
    case "settings":
      return more.length === 1 && more[0] === "import" ? { kind: "settings_import" } : null;
    case "wikis":
      if (more.length === 0) return { kind: "wikis" };
      if (more.some((segment) => segment.length === 0)) return null;
      return { kind: "wiki", slug: more.join("/") };
    default:
      return null;
  }
}

/**
 * Splits the catch-all segments at the first "-": the project's full path before it, the page
 * after it. No "-" means the project overview. Null for anything that can't be a project page.
 */
export function parseProjectRoute(segments: readonly string[]): ProjectRoute | null {
  const separator = segments.indexOf("-");
  const projectSegments = separator === -1 ? segments : segments.slice(0, separator);
  // A project always lives in a namespace: at least "<namespace>/<project>".
  if (projectSegments.length < 2 || projectSegments.some((segment) => segment.length === 0)) return null;
  const fullPath = projectSegments.join("/");
  if (separator === -1) return { fullPath, view: { kind: "overview" } };
  const view = parseView(segments.slice(separator + 1));
  return view ? { fullPath, view } : null;
}

export function tabOf(view: ProjectView): ProjectTab {
  switch (view.kind) {
    case "issue":
      return "issues";
    case "merge_request":
      return "merge_requests";
    case "wiki":
      return "wikis";
    case "settings_import":
      return "settings";
    default:
      return view.kind;
  }
}

/** Path segments are restricted to URL-safe characters, but encode anyway. */
export function projectHref(fullPath: string, ...rest: (string | number)[]): string {
  const base = `/${fullPath.split("/").map(encodeURIComponent).join("/")}`;
  return rest.length === 0 ? base : `${base}/-/${rest.map((part) => String(part)).join("/")}`;
}

/** The same page of another spelling of the project path (for a redirect to the canonical one). */
export function viewPath(view: ProjectView): (string | number)[] {
  switch (view.kind) {
    case "overview":
      return [];
    case "issue":
      return ["issues", view.iid];
    case "merge_request":
      return ["merge_requests", view.iid];
    case "wiki":
      return ["wikis", view.slug.split("/").map(encodeURIComponent).join("/")];
    case "settings_import":
      return ["settings", "import"];
    default:
      return [view.kind];
  }
}
