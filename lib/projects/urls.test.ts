import { describe, expect, it } from "vitest";
import { parseProjectRoute, projectHref, tabOf, viewPath } from "@/lib/projects/urls";

describe("parseProjectRoute", () => {
  it("reads the overview of projects in nested namespaces", () => {
    expect(parseProjectRoute(["acme", "app"])).toEqual({ fullPath: "acme/app", view: { kind: "overview" } });
    expect(parseProjectRoute(["acme", "platform", "tools", "my-project"])).toEqual({
      fullPath: "acme/platform/tools/my-project",
      view: { kind: "overview" },
    });
  });

  it("splits at the first '-' into project and page", () => {
    expect(parseProjectRoute(["acme", "platform", "app", "-", "issues"])).toEqual({ fullPath: "acme/platform/app", view: { kind: "issues" } });
    expect(parseProjectRoute(["acme", "app", "-", "issues", "12"])?.view).toEqual({ kind: "issue", iid: 12 });
    expect(parseProjectRoute(["acme", "app", "-", "merge_requests"])?.view).toEqual({ kind: "merge_requests" });
    expect(parseProjectRoute(["acme", "app", "-", "merge_requests", "3"])?.view).toEqual({ kind: "merge_request", iid: 3 });
    expect(parseProjectRoute(["acme", "app", "-", "labels"])?.view).toEqual({ kind: "labels" });
    expect(parseProjectRoute(["acme", "app", "-", "milestones"])?.view).toEqual({ kind: "milestones" });
    expect(parseProjectRoute(["acme", "app", "-", "import"])?.view).toEqual({ kind: "import" });
    expect(parseProjectRoute(["acme", "app", "-", "settings", "import"])?.view).toEqual({ kind: "settings_import" });
    expect(parseProjectRoute(["acme", "app", "-", "wikis"])?.view).toEqual({ kind: "wikis" });
    expect(parseProjectRoute(["acme", "app", "-", "wikis", "guides", "Getting Started"])?.view).toEqual({ kind: "wiki", slug: "guides/Getting Started" });
  });

  it("rejects anything else", () => {
    expect(parseProjectRoute(["acme"])).toBeNull();
    expect(parseProjectRoute(["-", "issues"])).toBeNull();
    expect(parseProjectRoute(["acme", "-", "issues"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "settings"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "settings", "general"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "issues", "0"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "issues", "12abc"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "issues", "99999999999"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "issues", "1", "edit"])).toBeNull();
    expect(parseProjectRoute(["acme", "app", "-", "labels", "x"])).toBeNull();
  });

  it("maps views to navigation tabs and back to paths", () => {
    expect(tabOf({ kind: "issue", iid: 1 })).toBe("issues");
    expect(tabOf({ kind: "wiki", slug: "Home" })).toBe("wikis");
    expect(tabOf({ kind: "settings_import" })).toBe("settings");
    expect(projectHref("acme/app", ...viewPath({ kind: "settings_import" }))).toBe("/acme/app/-/settings/import");
    expect(projectHref("acme/app")).toBe("/acme/app");
    expect(projectHref("acme/app", ...viewPath({ kind: "merge_request", iid: 4 }))).toBe("/acme/app/-/merge_requests/4");
    expect(projectHref("acme/app", ...viewPath({ kind: "wiki", slug: "a b/c" }))).toBe("/acme/app/-/wikis/a%20b/c");
  });
});
