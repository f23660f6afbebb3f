import { describe, expect, it } from "vitest";
import { canonicalProjectUrl, decodeRouteParam, internalProjectPath, parseIid, projectHref } from "@/lib/projects/urls";

describe("internalProjectPath", () => {
  it("maps the overview of projects in nested namespaces onto the project route", () => {
    expect(internalProjectPath("/acme/app")).toBe("/projects/acme%2Fapp");
    expect(internalProjectPath("/acme/platform/tools/my-project")).toBe("/projects/acme%2Fplatform%2Ftools%2Fmy-project");
    expect(internalProjectPath("/acme/app/")).toBe("/projects/acme%2Fapp");
  });

  it("splits at the first '-' and passes the page path on", () => {
    expect(internalProjectPath("/acme/platform/app/-/issues")).toBe("/projects/acme%2Fplatform%2Fapp/issues");
    expect(internalProjectPath("/acme/app/-/issues/12")).toBe("/projects/acme%2Fapp/issues/12");
    expect(internalProjectPath("/acme/app/-/merge_requests/3")).toBe("/projects/acme%2Fapp/merge_requests/3");
    expect(internalProjectPath("/acme/app/-/settings/import")).toBe("/projects/acme%2Fapp/settings/import");
    expect(internalProjectPath("/acme/app/-/wikis/guides/Getting%20Started")).toBe("/projects/acme%2Fapp/wikis/guides/Getting%20Started");
    expect(internalProjectPath("/Acme/App.Web/-/labels")).toBe("/projects/Acme%2FApp.Web/labels");
  });

  it("leaves Ferry's own routes, git URLs and anything that can't be a project alone", () => {
    for (const path of ["/", "/acme", "/admin/users", "/profile/account", "/import/bitbucket", "/users/alice", "/groups/acme/-/placeholders", "/projects/acme%2Fapp", "/API/x"]) {
      expect(internalProjectPath(path), path).toBeNull();
    }
    for (const path of ["/acme/app.git/info/refs", "/acme/app/info/refs", "/acme/app.git/git-upload-pack", "/acme/app/git-receive-pack", "/acme/app.git/info/lfs/objects/batch", `/acme/app.git/gitlab-lfs/objects/${"a".repeat(64)}`]) {
      expect(internalProjectPath(path), path).toBeNull();
    }
    expect(internalProjectPath("/-/issues")).toBeNull();
    expect(internalProjectPath("/acme/-/issues")).toBeNull();
    expect(internalProjectPath("/acme/app/-")).toBeNull();
    expect(internalProjectPath("/acme/app/-/wikis//x")).toBeNull();
    expect(internalProjectPath("/acme/my%20app")).toBeNull();
    expect(internalProjectPath("/acme/a~b/-/issues")).toBeNull();
  });
});

describe("project URLs", () => {
  it("reads the route segment back, encoded or not", () => {
    expect(decodeRouteParam("acme%2Fplatform%2Fapp")).toBe("acme/platform/app");
    expect(decodeRouteParam("acme/app")).toBe("acme/app");
    expect(decodeRouteParam("100%")).toBe("100%");
  });

  it("reads issue and merge request numbers", () => {
    expect(parseIid("12")).toBe(12);
    expect(parseIid("2147483647")).toBe(2147483647);
    for (const value of ["0", "012", "12abc", "-1", "", "2147483648", "99999999999"]) expect(parseIid(value), value).toBeNull();
  });

  it("builds public links", () => {
    expect(projectHref("acme/app")).toBe("/acme/app");
    expect(projectHref("acme/app", "settings", "import")).toBe("/acme/app/-/settings/import");
    expect(projectHref("acme/app", "merge_requests", 4)).toBe("/acme/app/-/merge_requests/4");
  });

  it("spells a differently cased request the canonical way, keeping the page and query", () => {
    expect(canonicalProjectUrl("/ACME/App/-/issues?state=all", "ACME/App", "acme/app")).toBe("/acme/app/-/issues?state=all");
    expect(canonicalProjectUrl("/ACME/App", "ACME/App", "acme/app")).toBe("/acme/app");
    expect(canonicalProjectUrl("/ACME/App?x=1", "ACME/App", "acme/app")).toBe("/acme/app?x=1");
    // A header that doesn't describe the requested project leads to the overview, never elsewhere.
    expect(canonicalProjectUrl("//evil.example/x", "ACME/App", "acme/app")).toBe("/acme/app");
    expect(canonicalProjectUrl("/ACME/Apple/-/issues", "ACME/App", "acme/app")).toBe("/acme/app");
  });
});
