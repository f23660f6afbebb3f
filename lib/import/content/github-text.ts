import { escapeMarkdownInline } from "./escape";
import { mapProse } from "./markdown-structure";
import { userProfilePath } from "./mentions";

/**
 * GitHub markdown → Ferry markdown, outside code:
 *
 * | GitHub                                                  | Ferry                                   |
 * |---------------------------------------------------------|-----------------------------------------|
 * | `#12`, `GH-12`, `owner/repo#12` (this repository)       | `#12` for issues, `!12` for pull requests |
 * | `<web>/owner/repo/issues/12`, `…/pull/12[/files]`       | `<project>/-/issues/12`, `<project>/-/merge_requests/12` |
 * | `@login` of a mapped user                               | `[@username](<Ferry profile>)`          |
 * | `@login` of anyone else                                 | `` `@login` `` (never a Ferry user of the same name) |
 * | an attachment URL that was downloaded                   | its Ferry URL                           |
 *
 * References to other repositories stay as written.
 */
export type GitHubTextContext = {
  /** `https://github.com/acme/rocket` */
  repositoryUrl: string;
  /** `acme/rocket` */
  fullName: string;
  /** Absolute URL of the Ferry project. */
  projectUrl: string;
  /** Whether number N is a pull request (else an issue). */
  isPullRequest: (number: number) => boolean;
  /** The Ferry username a GitHub login maps to; null when it maps to no one. */
  mappedUsername: (login: string) => string | null;
  /** Absolute URL of Ferry's profile pages. */
  profileBase: string;
  /** Downloaded attachments: GitHub URL → Ferry URL. */
  attachments?: ReadonlyMap<string, string>;
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function convertGitHubText(text: string | null | undefined, context: GitHubTextContext): string {
  if (!text) return "";
  const repositoryUrl = context.repositoryUrl.replace(/\/+$/, "");
  const urlPattern = new RegExp(`${escapeRegExp(repositoryUrl)}/(issues|pull)/(\\d+)(?:/[A-Za-z0-9_/-]*)?(#[A-Za-z0-9_-]+)?`, "gi");
  const fullNamePattern = new RegExp(`(^|[^\\w/.-])${escapeRegExp(context.fullName)}#(\\d+)\\b`, "gi");
  const reference = (number: number) => `${context.isPullRequest(number) ? "!" : "#"}${number}`;
  return mapProse(text, (prose) => {
    let out = prose;
    if (context.attachments) for (const [from, to] of context.attachments) out = out.split(from).join(to);
    out = out.replace(urlPattern, (_match, _kind: string, number: string, fragment: string | undefined) => {
      const n = Number(number);
      return `${context.projectUrl}/-/${context.isPullRequest(n) ? "merge_requests" : "issues"}/${n}${fragment && !/^#(issuecomment|discussion|pullrequestreview)/.test(fragment) ? fragment : ""}`;
    });
    out = out.replace(fullNamePattern, (_match, before: string, number: string) => `${before}${reference(Number(number))}`);
    out = out.replace(/(^|[^\w/&#-])GH-(\d+)\b/g, (_match, before: string, number: string) => `${before}${reference(Number(number))}`);
    out = out.replace(/(^|[\s([{,;:])#(\d+)\b/g, (_match, before: string, number: string) => `${before}${reference(Number(number))}`);
    out = out.replace(/(^|[^\w`/.@-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)(?![\w@.-]*\.[a-z])\b/g, (_match, before: string, login: string) => {
      const username = context.mappedUsername(login);
      if (!username) return `${before}\`@${login}\``;
      return `${before}[@${escapeMarkdownInline(username)}](${context.profileBase}${userProfilePath(username)})`;
    });
    return out;
  });
}
