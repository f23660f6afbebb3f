import { describe, expect, it } from "vitest";
import { convertGitHubText, type GitHubTextContext } from "./github-text";

const context: GitHubTextContext = {
  repositoryUrl: "https://github.com/acme/rocket",
  fullName: "acme/rocket",
  projectUrl: "https://ferry.test/team/rocket",
  isPullRequest: (number) => number === 4 || number === 5,
  mappedUsername: (login) => (login.toLowerCase() === "bob" ? "bobby" : null),
  profileBase: "https://ferry.test",
  attachments: new Map([["https://github.com/user-attachments/assets/abc", "https://ferry.test/team/rocket/-/uploads/abc"]]),
};

describe("convertGitHubText", () => {
  it("turns references to this repository into Ferry references, issues and pull requests told apart", () => {
    expect(convertGitHubText("See #2, GH-3, acme/rocket#4 and other/repo#4.", context)).toBe("See #2, #3, !4 and other/repo#4.");
    expect(convertGitHubText("(#5)", context)).toBe("(!5)");
  });

  it("rewrites full URLs of this repository's issues and pull requests", () => {
    expect(convertGitHubText("https://github.com/acme/rocket/pull/5/files and https://github.com/acme/rocket/issues/2#issuecomment-9", context)).toBe(
      "https://ferry.test/team/rocket/-/merge_requests/5 and https://ferry.test/team/rocket/-/issues/2",
    );
    expect(convertGitHubText("https://github.com/acme/rocket-two/issues/2", context)).toBe("https://github.com/acme/rocket-two/issues/2");
  });

  it("links mentions of mapped users and neutralises the others", () => {
    expect(convertGitHubText("@bob and @dan, mail me at a@b.example", context)).toBe("[@bobby](https://ferry.test/users/bobby) and `@dan`, mail me at a@b.example");
  });

  it("points downloaded attachments at Ferry and leaves code alone", () => {
    expect(convertGitHubText("![x](https://github.com/user-attachments/assets/abc)\n\n`#4 @bob`", context)).toBe("![x](https://ferry.test/team/rocket/-/uploads/abc)\n\n`#4 @bob`");
  });
});
