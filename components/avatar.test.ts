import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Avatar as PersonAvatar } from "./projects/person";
import { Avatar, initialsOf } from "./avatar";

// A source's avatar host that cannot be reached: nothing listens on port 9 of this address.
const unreachableAvatar = "http://127.0.0.1:9/avatars/alice.png";
const alice = { name: "Alice Anders", username: "alice", image: unreachableAvatar };

describe("Avatar", () => {
  it.each([
    ["the person avatar of project pages", PersonAvatar],
    ["the shared avatar", Avatar],
  ])("renders initials, not the source's picture, for %s", (_, Component) => {
    const markup = renderToStaticMarkup(createElement(Component, { person: alice }));
    expect(markup).not.toContain("<img");
    expect(markup).not.toContain(unreachableAvatar);
    expect(markup).toContain(">AA</span>");
  });

  it("takes the first letters of the first and last names, else of the username", () => {
    expect(initialsOf({ name: "Alice Anders", username: "alice" })).toBe("AA");
    expect(initialsOf({ name: "  jean luc  picard ", username: "jl" })).toBe("JP");
    expect(initialsOf({ name: "Bob", username: "bobby" })).toBe("B");
    expect(initialsOf({ name: null, username: "carol" })).toBe("C");
    expect(initialsOf({ name: "", username: "dave" })).toBe("D");
    expect(initialsOf({ name: "Émile Zola", username: "ez" })).toBe("ÉZ");
  });
});
