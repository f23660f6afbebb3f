import { describe, expect, it } from "vitest";
import { attachmentContentType, attachmentResponseHeaders, cleanFileName, disambiguateNames } from "./attachments";
import { normalizeComment, normalizeIssue, parseArchiveUser, parseExportDate, userFormatOf } from "./export-format";
import { exportJsonEntries, repositoryUrlFromAttachmentUrl } from "./export-reader";
import { convertBraceCodeBlocks, createArchiveTextConverter, systemNoteBody } from "./text";

describe("export records", () => {
  it("reads dates with microseconds, Z, naive (as UTC) and with a space", () => {
    expect(parseExportDate("2013-01-14T01:28:27.526763+00:00")?.toISOString()).toBe("2013-01-14T01:28:27.526Z");
    expect(parseExportDate("2013-01-14T01:28:27Z")?.toISOString()).toBe("2013-01-14T01:28:27.000Z");
    expect(parseExportDate("2013-01-14T01:28:27")?.toISOString()).toBe("2013-01-14T01:28:27.000Z");
    expect(parseExportDate("2013-01-14 01:28")?.toISOString()).toBe("2013-01-14T01:28:00.000Z");
    expect(parseExportDate("2013-01-14")?.toISOString()).toBe("2013-01-14T00:00:00.000Z");
    expect(parseExportDate("yesterday")).toBeNull();
    expect(parseExportDate(null)).toBeNull();
  });

  it("tells the user formats apart by value", () => {
    expect(userFormatOf("kevindunn")).toBe("username");
    expect(userFormatOf({ display_name: "Kevin Dunn", account_id: "557058:x" })).toBe("account");
    expect(userFormatOf(null)).toBeNull();
    expect(parseArchiveUser("kevindunn")).toEqual({ accountId: null, username: "kevindunn", displayName: null });
    expect(parseArchiveUser({ display_name: "Kevin Dunn", account_id: "5a7f63994956f22f15456cec" })).toEqual({ accountId: "5a7f63994956f22f15456cec", username: null, displayName: "Kevin Dunn" });
    expect(parseArchiveUser({})).toBeNull();
    expect(parseArchiveUser("  ")).toBeNull();
  });

  it("accepts string ids, missing keys and null lists; refuses what cannot be placed", () => {
    const issue = normalizeIssue({ id: "12", title: null, watchers: null, voters: [null, "bob"], status: "On Hold" });
    expect(issue).toMatchObject({ ok: true, value: { id: 12, title: "Issue 12", content: "", status: "on hold", watchers: [], voters: [{ username: "bob" }] } });
    expect(normalizeIssue({ title: "no id" })).toMatchObject({ ok: false, reason: expect.stringMatching(/no valid issue id/) });
    expect(normalizeIssue([])).toMatchObject({ ok: false });
    expect(normalizeComment({ id: 1, issue: 2, created_on: "2014-01-01T00:00:00", content: null })).toMatchObject({ ok: true, value: { content: null } });
    expect(normalizeComment({ id: 1, issue: "x", created_on: "2014-01-01" })).toMatchObject({ ok: false, reason: "comment 1 names no valid issue" });
  });

  it("prefers db-2.0.json over db-1.0.json, at the shallowest level", () => {
    expect(exportJsonEntries(["db-1.0.json", "export/db-2.0.json", "db-2.0.json", "db-jira-cloud.json"])).toEqual(["db-2.0.json", "db-1.0.json"]);
    expect(exportJsonEntries(["attachments/x"])).toEqual([]);
    expect(repositoryUrlFromAttachmentUrl("https://bitbucket.org/kevindunn/quest/issues/attachments/9/kevindunn/quest/1358126907.55/9/a.png")).toBe("https://bitbucket.org/kevindunn/quest");
  });
});

describe("text", () => {
  it("turns {{{ }}} blocks with #! hints into fenced code", () => {
    const converted = convertBraceCodeBlocks("Before\n{{{\n#!d\nvoid main() {}\n}}}\nAfter");
    expect(converted).toBe("Before\n```\n#!d\nvoid main() {}\n```\nAfter");
    expect(convertBraceCodeBlocks("{{{\nunclosed")).toBe("{{{\nunclosed");
    const text = createArchiveTextConverter({ sourceRepositoryUrl: null, targetProjectUrl: "https://ferry.test/acme/app", mentions: new Map() });
    expect(text("{{{\r\n#!python\r\nprint(1)\r\n}}}", null, true)).toBe("```python\nprint(1)\n```");
  });

  it("links <<cset>> references, rewrites source links when the repository is known, and attributes unmapped authors", () => {
    const text = createArchiveTextConverter({
      sourceRepositoryUrl: "https://bitbucket.org/acme/app",
      targetProjectUrl: "https://ferry.test/acme/app",
      mentions: new Map([["557058:abc", { displayName: "Ann Example" }]]),
    });
    expect(text("Fixed → <<cset 580da529e681>>", { accountId: null, username: "bob", displayName: null }, false)).toBe(
      "*Created by: bob*\n\nFixed → [580da529e681](https://ferry.test/acme/app/-/commit/580da529e681)",
    );
    expect(text("See https://bitbucket.org/acme/app/issues/3 and @{557058:abc}", null, true)).toBe("See https://ferry.test/acme/app/-/issues/3 and Ann Example");
    expect(text("", null, false)).toBe("*Created by: Anonymous*");
  });

  it("words system notes from change logs, reading None and empty as nothing", () => {
    expect(systemNoteBody({ field: "status", changedFrom: "new", changedTo: "resolved" })).toBe("changed status from new to resolved");
    expect(systemNoteBody({ field: "responsible", changedFrom: "alice", changedTo: "bob" })).toBe("changed assignee from alice to bob");
    expect(systemNoteBody({ field: "responsible", changedFrom: "None", changedTo: "bob" })).toBe("changed assignee to bob");
    expect(systemNoteBody({ field: "milestone", changedFrom: "1.0", changedTo: "" })).toBe("cleared milestone (was 1\\.0)");
    expect(systemNoteBody({ field: "content", changedFrom: "a", changedTo: "b" })).toBe("changed the description");
    expect(systemNoteBody({ field: "title", changedFrom: "Old", changedTo: "New *title*" })).toBe("changed title from **Old** to **New \\*title\\***");
    expect(systemNoteBody({ field: "attachment", changedFrom: "https://x/y/log.txt", changedTo: "log.txt" })).toBe("added attachment log\\.txt");
  });
});

describe("attachments", () => {
  it("disambiguates duplicate names within an issue, in order", () => {
    expect(disambiguateNames(["config.log", "build.log", "config.log", "Config.log", "README"])).toEqual(["config.log", "build.log", "config (2).log", "Config (3).log", "README"]);
    expect(disambiguateNames(["../../etc/passwd", "a\u0000b", ".htaccess"])).toEqual(["passwd", "ab", "htaccess"]);
    expect(cleanFileName("")).toBe("attachment");
  });

  it("trusts the bytes, not the extension, for images", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(attachmentContentType("shot.png", png)).toBe("image/png");
    expect(attachmentContentType("shot.png", Buffer.from("<html><script>"))).toBe("application/octet-stream");
    expect(attachmentContentType("x.svg", Buffer.from("<svg"))).toBe("image/svg+xml");
    expect(attachmentContentType("build.log", Buffer.from("make"))).toBe("text/plain");
  });

  it("serves images inline and everything else as a download, never sniffed", () => {
    const image = attachmentResponseHeaders({ fileName: "Screen Shot.png", contentType: "image/png" }, 10);
    expect(image).toMatchObject({ "content-type": "image/png", "x-content-type-options": "nosniff" });
    expect(image["content-disposition"]).toMatch(/^inline; filename="Screen Shot.png"; filename\*=UTF-8''Screen%20Shot\.png$/);
    const svg = attachmentResponseHeaders({ fileName: "logo.svg", contentType: "image/svg+xml" }, 10);
    expect(svg["content-type"]).toBe("application/octet-stream");
    expect(svg["content-disposition"]).toMatch(/^attachment;/);
    const text = attachmentResponseHeaders({ fileName: "отчёт \"1\".txt", contentType: "text/html" }, 10);
    expect(text["content-type"]).toBe("text/plain; charset=utf-8");
    expect(text["content-disposition"]).toMatch(/^attachment; filename="_____ _1_\.txt"/);
    expect(text["content-security-policy"]).toContain("sandbox");
  });
});
