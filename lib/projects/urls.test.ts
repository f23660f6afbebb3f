import { describe, expect, it } from "vitest";
import { canonicalProjectUrl, decodeRouteParam, internalProjectPath, parseIid, projectHref, repositoryHref } from "@/lib/projects/urls";

describe("internalProjectPath", () => {
  it("maps project URLs in namespaces of any depth onto the project route, the page path passed on", () => {
    const cases: [string, string][] = [
      ["/acme/app", "/projects/acme%2Fapp"],
      ["/acme/app/", "/projects/acme%2Fapp"],
      ["/acme/platform/tools/my-project", "/projects/acme%2Fplatform%2Ftools%2Fmy-project"],
      ["/acme/platform/app/-/issues", "/projects/acme%2Fplatform%2Fapp/issues"],
      ["/acme/app/-/issues/12", "/projects/acme%2Fapp/issues/12"],
      ["/acme/app/-/merge_requests/3", "/projects/acme%2Fapp/merge_requests/3"],
      ["/acme/app/-/settings/import", "/projects/acme%2Fapp/settings/import"],
      ["/acme/app/-/wikis/guides/Getting%20Started", "/projects/acme%2Fapp/wikis/guides/Getting%20Started"],
      ["/Acme/App.Web/-/labels", "/projects/Acme%2FApp.Web/labels"],
      ["/acme/app/-/blob/feature/x/src/a%20b.ts", "/projects/acme%2Fapp/blob/feature/x/src/a%20b.ts"],
      // Without "/-/" the path may be a group: the route shows the project or the group there.
      ["/acme", "/projects/acme"],
      ["/acme/platform/", "/projects/acme%2Fplatform"],
    ];
    for (const [publicPath, internal] of cases) expect(internalProjectPath(publicPath), publicPath).toBe(internal);
  });

  it("leaves Ferry's own routes, git URLs and anything that can't be a project alone", () => {
    const ownRoutes = ["/", "/explore", "/favicon.ico", "/ferry-mark.svg", "/admin/users", "/profile/account", "/import/bitbucket", "/users/alice", "/groups/acme/-/placeholders", "/projects/acme%2Fapp", "/API/x"];
    const gitUrls = ["/acme/app.git/info/refs", "/acme/app/info/refs", "/acme/app.git/git-upload-pack", "/acme/app/git-receive-pack", "/acme/app.git/info/lfs/objects/batch", `/acme/app.git/gitlab-lfs/objects/${"a".repeat(64)}`];
    const malformed = ["/-/issues", "/acme/-/issues", "/acme/app/-", "/acme/app/-/wikis//x", "/acme/my%20app", "/acme/a~b/-/issues"];
    for (const path of [...ownRoutes, ...gitUrls, ...malformed]) expect(internalProjectPath(path), path).toBeNull();
  });
});

describe("project URLs", () => {
  it("reads route parameters back, encoded or not", () => {
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
    expect(repositoryHref("acme/app", "blob", "feature/x", "src/a b#1.ts", "#L5")).toBe("/acme/app/-/blob/feature/x/src/a%20b%231.ts#L5");
    expect(repositoryHref("acme/app", "tree", "main")).toBe("/acme/app/-/tree/main");
  });

  it("spells a differently cased request the canonical way, keeping the page and query", () => {
    const cases: [string, string][] = [
      ["/ACME/App/-/issues?state=all", "/acme/app/-/issues?state=all"],
      ["/ACME/App", "/acme/app"],
      ["/ACME/App?x=1", "/acme/app?x=1"],
      // A header that doesn't describe the requested project leads to the overview, never elsewhere.
      ["//evil.example/x", "/acme/app"],
      ["/ACME/Apple/-/issues", "/acme/app"],
    ];
    for (const [requested, canonical] of cases) expect(canonicalProjectUrl(requested, "ACME/App", "acme/app"), requested).toBe(canonical);
  });
});
