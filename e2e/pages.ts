/**
 * Every page of the app, for checks that visit them all (e2e/narrow.spec.ts: no sideways scrolling
 * at 390 px). A new page adds its entry here. `as` says who looks at it: nobody signed in, alice
 * (signed in with Bitbucket, the importer of PAGES_PROJECT into PAGES_GROUP with placeholders), or
 * PAGES_ADMIN (a local administrator).
 */
import { showcaseExpectations } from "../mocks/bitbucket/showcase.ts";

export const PAGES_GROUP = "narrow-team";
export const PAGES_PROJECT = `${PAGES_GROUP}/rocket-launcher`;
export const PAGES_ADMIN = "narrow-root";

export type AppPage = { name: string; path: string; as: "anonymous" | "alice" | "admin" };

const project = (name: string, path: string): AppPage => ({ name, path: `/${PAGES_PROJECT}${path}`, as: "alice" });
const { mainbranch, branches } = showcaseExpectations();

export const APP_PAGES: AppPage[] = [
  { name: "sign-in", path: "/sign-in", as: "anonymous" },
  { name: "home", path: "/", as: "alice" },
  { name: "explore", path: "/explore", as: "anonymous" },
  { name: "import from Bitbucket Cloud", path: "/import/bitbucket", as: "alice" },
  { name: "group", path: `/${PAGES_GROUP}`, as: "alice" },
  project("project overview", ""),
  project("files", `/-/tree/${mainbranch}/src`),
  project("file", `/-/blob/${mainbranch}/src/sequencer.ts#L5`),
  project("LFS file", `/-/blob/${mainbranch}/assets/logo.png`),
  project("commits", `/-/commits/${mainbranch}`),
  project("commit", `/-/commit/${branches[mainbranch]}`),
  project("branches", "/-/branches"),
  project("tags", "/-/tags"),
  project("issues", "/-/issues?state=all"),
  project("issue", "/-/issues/1"),
  project("merge requests", "/-/merge_requests?state=all"),
  project("merge request", "/-/merge_requests/5"),
  project("merge request commits", "/-/merge_requests/5/commits"),
  project("merge request changes", "/-/merge_requests/5/diffs"),
  project("wiki", "/-/wikis"),
  project("wiki page", "/-/wikis/Setup%20Guide"),
  project("labels", "/-/labels"),
  project("milestones", "/-/milestones"),
  project("import tab", "/-/import"),
  project("import settings", "/-/settings/import"),
  { name: "profile", path: "/profile", as: "alice" },
  { name: "account", path: "/profile/account", as: "alice" },
  { name: "access tokens", path: "/profile/access_tokens", as: "alice" },
  { name: "inbox", path: "/inbox", as: "alice" },
  { name: "user", path: "/users/alice", as: "alice" },
  { name: "group placeholders", path: `/groups/${PAGES_GROUP}/-/placeholders`, as: "alice" },
  { name: "admin", path: "/admin", as: "admin" },
  { name: "admin users", path: "/admin/users", as: "admin" },
  { name: "admin settings", path: "/admin/settings", as: "admin" },
  { name: "admin inbox", path: "/inbox", as: "admin" },
];
