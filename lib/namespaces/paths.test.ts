import { describe, expect, it } from "vitest";
import { pathProblem, toValidPath } from "./paths";

describe("namespace and project paths", () => {
  it.each([
    ["alice", null],
    ["my-project.v2", null],
    ["a", null],
    ["", "empty"],
    ["-alice", "starts_or_ends_with_special"],
    ["alice.", "starts_or_ends_with_special"],
    ["al--ice", "consecutive_special"],
    ["al._ice", "consecutive_special"],
    ["al ice", "invalid_characters"],
    ["émile", "invalid_characters"],
    ["repo.git", "reserved_suffix"],
  ])("%j → %s", (path, problem) => {
    expect(pathProblem(path)).toBe(problem);
  });

  it("reserves top-level route names only at the top level", () => {
    expect(pathProblem("api", { topLevel: true })).toBe("reserved_name");
    expect(pathProblem("api")).toBeNull();
  });

  it.each([
    ["Alice Anders", "Alice-Anders"],
    ["__bob__", "bob"],
    ["Émile.Zola", "Emile.Zola"],
    ["x--y..z", "x-y.z"],
    ["repo.git", "repo"],
    ["!!!", "user"],
  ])("toValidPath(%j) = %j, and the result is valid", (input, expected) => {
    expect(toValidPath(input)).toBe(expected);
    expect(pathProblem(toValidPath(input))).toBeNull();
  });
});
