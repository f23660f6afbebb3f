import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { convertMentions, userProfilePath, type MentionResolver, type MentionTarget } from "./mentions";

const users: Record<string, MentionTarget> = {
  "557058:aaaa-1111": { username: "alice", profileUrl: "https://ferry.example.com/alice" },
  "557058:bbbb-2222": { username: "bob" },
  "{0b6c5d4e-1111-2222-3333-444455556666}": { username: "carol", profileUrl: "/carol" },
  "557058:dddd-4444": { displayName: "Dan Dawson" },
  "557058:eeee-5555": { displayName: "*Eve* [click](javascript:alert(1)) <img src=x onerror=alert(1)> @admin evil.com" },
  "557058:ffff-6666": { username: "frank_the_tank", profileUrl: "https://ferry.example.com/frank_the_tank" },
  "557058:gggg-7777": { username: "grace", profileUrl: "javascript:alert(1)" },
  "557058:hhhh-8888": { displayName: "   " },
};
const resolve = (id: string) => users[id] ?? null;
const convert = (text: string) => convertMentions(text, resolve);

describe("convertMentions", () => {
  it("links a mapped user to their Ferry profile", () => {
    expect(convert("Thanks @{557058:aaaa-1111}!")).toBe("Thanks [@alice](https://ferry.example.com/alice)!");
  });

  it("writes a mapped user without profile URL as a plain Ferry mention", () => {
    expect(convert("cc @{557058:bbbb-2222}")).toBe("cc @bob");
  });

  it("resolves the uuid form, with or without the uuid's braces in the resolver's keys", () => {
    expect(convert("@{{0b6c5d4e-1111-2222-3333-444455556666}} please")).toBe("[@carol](/carol) please");
    const bare = (id: string): MentionTarget => (id === "0b6c5d4e-1111-2222-3333-444455556666" ? { username: "carol" } : null);
    expect(convertMentions("@{{0b6c5d4e-1111-2222-3333-444455556666}}", bare)).toBe("@carol");
    expect(convertMentions("@{0b6c5d4e-1111-2222-3333-444455556666}", resolve)).toBe("[@carol](/carol)");
  });

  it("writes an unmapped user's display name as plain text without @", () => {
    expect(convert("Ask @{557058:dddd-4444} about it")).toBe("Ask Dan Dawson about it");
  });

  it("escapes display names so they cannot inject markup, links, HTML or mentions", () => {
    const out = convert("by @{557058:eeee-5555}");
    const html = renderMarkdown(out);
    expect(html).not.toMatch(/<a |<img|<em>/);
    expect(html).toContain("*Eve* [click](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; @admin evil.com");
    expect(out).not.toMatch(/(^|[^\\])@admin/);
  });

  it("escapes markdown in usernames inside the profile link text", () => {
    const out = convert("@{557058:ffff-6666}");
    expect(out).toBe("[@frank\\_the\\_tank](https://ferry.example.com/frank_the_tank)");
    expect(renderMarkdown(out)).toContain(">@frank_the_tank</a>");
  });

  it("never links to an unsafe profile URL", () => {
    expect(convert("@{557058:gggg-7777}")).toBe("@grace");
  });

  it("keeps unknown ids as written, in a code span", () => {
    expect(convert("Hello @{557058:zzzz-0000}.")).toBe("Hello `@{557058:zzzz-0000}`.");
    expect(convert("@{{9999}}")).toBe("`@{{9999}}`");
    expect(convert("@{557058:hhhh-8888}")).toBe("`@{557058:hhhh-8888}`");
    expect(renderMarkdown(convert("@{557058:zzzz-0000}"))).toBe("<p><code>@{557058:zzzz-0000}</code></p>\n");
  });

  it("converts several mentions, adjacent text and line starts", () => {
    expect(convert("@{557058:aaaa-1111}@{557058:bbbb-2222}, @{557058:dddd-4444}'s PR")).toBe(
      "[@alice](https://ferry.example.com/alice)@bob, Dan Dawson's PR",
    );
  });

  it("does not nest a profile link inside link text", () => {
    expect(convert("[ask @{557058:aaaa-1111}](https://example.com/x) and @{557058:aaaa-1111}")).toBe(
      "[ask @alice](https://example.com/x) and [@alice](https://ferry.example.com/alice)",
    );
    expect(convert("[@{557058:aaaa-1111}] [x] @{557058:aaaa-1111}")).toBe(
      "[[@alice](https://ferry.example.com/alice)] [x] [@alice](https://ferry.example.com/alice)",
    );
  });

  it("leaves mentions in code spans and code blocks literal", () => {
    const text = "`@{557058:aaaa-1111}`\n\n```\n@{557058:aaaa-1111}\n```\n\n    @{557058:aaaa-1111}\n\n@{557058:bbbb-2222}";
    expect(convert(text)).toBe("`@{557058:aaaa-1111}`\n\n```\n@{557058:aaaa-1111}\n```\n\n    @{557058:aaaa-1111}\n\n@bob");
  });

  it("ignores text that only looks a little like a mention", () => {
    const text = "email me at a@b.com, @alice, @{} and @{ spaced } and {557058:aaaa-1111}";
    expect(convert(text)).toBe(text);
  });

  it("is idempotent", () => {
    const once = convert("@{557058:aaaa-1111} @{557058:bbbb-2222} @{557058:dddd-4444} @{557058:eeee-5555} @{unknown}");
    expect(convert(once)).toBe(once);
  });

  it("does not call the resolver when there is nothing to resolve", () => {
    let calls = 0;
    convertMentions("plain text", () => {
      calls++;
      return null;
    });
    expect(calls).toBe(0);
  });
});

describe("userProfilePath", () => {
  it("is the Ferry profile page of the user, usable as a mention link", () => {
    expect(userProfilePath("alice")).toBe("/users/alice");
    expect(convertMentions("@{557058:bbbb-2222}", () => ({ username: "bob", profileUrl: userProfilePath("bob") }))).toBe("[@bob](/users/bob)");
  });
});

describe("mention conversion cost", () => {
  const MiB = 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
  const resolve: MentionResolver = () => ({ username: "bob", profileUrl: "https://ferry.example.com/users/bob" });

  it.each([
    ["mentions on one line", fill("@{a}")],
    ["mentions inside an unclosed link text", `[${fill("@{a} ")}`],
    ["mentions between brackets", fill("[@{a}")],
  ])("converts 1 MiB of %s within a second", (_name, text) => {
    const started = performance.now();
    const converted = convertMentions(text, resolve);
    expect(converted.length).toBeGreaterThan(text.length);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
