import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { PUBLIC_URL_HEADER } from "@/lib/projects/urls";
import { proxy } from "./proxy";

function rewriteOf(path: string, init?: ConstructorParameters<typeof NextRequest>[1]) {
  const response = proxy(new NextRequest(`http://ferry.test${path}`, init));
  const rewrite = response.headers.get("x-middleware-rewrite");
  return { response, rewrite: rewrite ? new URL(rewrite) : null };
}

describe("proxy", () => {
  it("serves a public project URL from the project route, query and method intact", () => {
    const { rewrite } = rewriteOf("/acme/platform/app/-/issues?state=closed&page=2");
    expect(rewrite?.pathname).toBe("/projects/acme%2Fplatform%2Fapp/issues");
    expect(rewrite?.search).toBe("?state=closed&page=2");
    // Server actions post to the page's public URL.
    expect(rewriteOf("/acme/app/-/import", { method: "POST" }).rewrite?.pathname).toBe("/projects/acme%2Fapp/import");
  });

  it("hands the page the public URL it was asked for", () => {
    const { response } = rewriteOf("/Acme/App/-/wikis/Home?x=1");
    expect(response.headers.get(`x-middleware-request-${PUBLIC_URL_HEADER}`)).toBe("/Acme/App/-/wikis/Home?x=1");
  });

  it("replaces a public URL header a client sent itself", () => {
    const { response } = rewriteOf("/acme/app", { headers: { [PUBLIC_URL_HEADER]: "//evil.example" } });
    expect(response.headers.get(`x-middleware-request-${PUBLIC_URL_HEADER}`)).toBe("/acme/app");
  });

  it("leaves Ferry's own pages and git URLs to their routes", () => {
    for (const path of ["/admin/users", "/import/bitbucket", "/groups/acme/-/placeholders", "/acme/app.git/info/refs?service=git-upload-pack", "/", "/explore", "/favicon.ico"]) {
      const { response, rewrite } = rewriteOf(path);
      expect(rewrite, path).toBeNull();
      expect(response.headers.get("x-middleware-next"), path).toBe("1");
    }
  });
});
