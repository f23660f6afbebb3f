import { describe, expect, it } from "vitest";
import { QueryError, applyFields, compileQuery, parseQuery } from "./query";
import { createSandboxState } from "./state";

describe("q parser", () => {
  it("parses strings with \\\" and \\\\ escapes, keeping other backslashes", () => {
    expect(parseQuery('name = "a \\"b\\" c\\\\d \\x"')).toEqual({
      type: "compare",
      field: "name",
      op: "=",
      value: { kind: "string", value: 'a "b" c\\d \\x' },
    });
  });

  it("gives AND precedence over OR and honours parentheses", () => {
    const tree = parseQuery('a = 1 OR b = 2 and c = 3');
    expect(tree).toMatchObject({ type: "or", right: { type: "and" } });
    expect(parseQuery("(a = 1 OR b = 2) AND c = 3")).toMatchObject({ type: "and", left: { type: "or" } });
  });

  it("reads all operators and literal kinds", () => {
    for (const op of ["=", "!=", "~", "!~", ">", ">=", "<", "<="]) {
      expect(parseQuery(`size ${op} 5`)).toMatchObject({ op, value: { kind: "number", value: 5 } });
    }
    expect(parseQuery("x=true")).toMatchObject({ value: { kind: "boolean", value: true } });
    expect(parseQuery("x != null")).toMatchObject({ value: { kind: "null" } });
    expect(parseQuery("updated_on > 2024-05-01T10:00:00+02:00")).toMatchObject({ value: { kind: "datetime", value: Date.parse("2024-05-01T08:00:00Z") } });
    expect(parseQuery("project.key = \"WEB\"")).toMatchObject({ field: "project.key" });
  });

  it.each(['name = "open', "name", "= 3", "a = 1 AND", "(a = 1", "a = 1)", "a = bare", "", "a ~ (", 'a = "x" b = "y"'])("rejects %j", (query) => {
    expect(() => parseQuery(query)).toThrow(QueryError);
  });

  it("evaluates ~ case-insensitively", () => {
    const match = compileQuery('name ~ "ROCKET" AND name !~ "exp"', { name: "string" });
    expect(match({ name: "rocket-launcher" })).toBe(true);
    expect(match({ name: "rocket-launcher-experiments" })).toBe(false);
  });
});

describe("fields", () => {
  const body = { size: 1, next: "n", values: [{ a: 1, links: { x: 1 }, b: { c: 2, d: 3 } }] };
  it("removes, selects and adds", () => {
    expect(applyFields(body, "-values.links")).toEqual({ size: 1, next: "n", values: [{ a: 1, b: { c: 2, d: 3 } }] });
    expect(applyFields(body, "values.b.c,next")).toEqual({ next: "n", values: [{ b: { c: 2 } }] });
    expect(applyFields(body, "values.*.c")).toEqual({ values: [{ b: { c: 2 } }] });
    expect(applyFields(body, "+values.a")).toEqual(body);
    expect(applyFields(body, "-values.*.d,-size")).toEqual({ next: "n", values: [{ a: 1, links: { x: 1 }, b: { c: 2 } }] });
  });
});

describe("seed", () => {
  it("is deterministic", () => {
    const one = createSandboxState();
    const two = createSandboxState();
    const acme = one.workspace("acme")!;
    expect(one.repositoriesOf(acme)).toEqual(two.repositoriesOf(two.workspace("acme")!));
    expect(one.repositoriesOf(acme)).toHaveLength(120);
    const total = one.workspaces.reduce((sum, workspace) => sum + one.repositoriesOf(workspace).length, 0);
    expect(total).toBeGreaterThanOrEqual(130);
    const repos = one.workspaces.flatMap((workspace) => one.repositoriesOf(workspace));
    expect(new Set(repos.map((repo) => repo.uuid)).size).toBe(repos.length);
    expect(repos.some((repo) => repo.is_private) && repos.some((repo) => !repo.is_private)).toBe(true);
    expect(repos.some((repo) => repo.has_issues) && repos.some((repo) => !repo.has_wiki)).toBe(true);
    for (const repo of repos) {
      expect(Date.parse(repo.updated_on)).toBeGreaterThanOrEqual(Date.parse(repo.created_on));
      expect(repo.slug).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    }
  });
});
