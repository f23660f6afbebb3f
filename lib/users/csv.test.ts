import { describe, expect, it } from "vitest";
import { CsvError, csvLine, parseCsv } from "./csv";

describe("CSV", () => {
  it("reads quoted fields with commas, quotes and line breaks, CRLF or LF, and a byte order mark", () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\n\nlast,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["x, y", 'say "hi"', "two\nlines"] },
      { line: 5, fields: ["last", "", ""] },
    ]);
  });

  it("writes what it reads, and defuses spreadsheet formulas", () => {
    const values = ["plain", "with, comma", 'quote "q"', "=SUM(A1)", "-1", null];
    expect(csvLine(values)).toBe('plain,"with, comma","quote ""q""",\'=SUM(A1),\'-1,');
    expect(parseCsv(csvLine(["a,b", 'c"d']))[0]!.fields).toEqual(["a,b", 'c"d']);
  });

  it("reports an unclosed quote with its line", () => {
    expect(() => parseCsv('a,b\n"open,b\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n"open,b\n')).toThrow(/Line 2/);
  });
});
