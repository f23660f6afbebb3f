import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiBoolean, describeValidationError } from "./params";

const schema = z.object({ with_content: apiBoolean().optional() });

function parseFlag(value: unknown) {
  const input = { with_content: value };
  const result = schema.safeParse(input);
  return result.success ? result.data.with_content : describeValidationError(result.error, input);
}

describe("apiBoolean", () => {
  // python-gitlab sends a Python bool as Python prints it ("True"); GitLab's parameter
  // coercion accepts these spellings, in any case.
  it.each(["true", "True", "TRUE", "tRuE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1"])("reads %j as true", (spelling) => {
    expect(parseFlag(spelling)).toBe(true);
  });

  it.each(["false", "False", "FALSE", "fAlSe", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0"])("reads %j as false", (spelling) => {
    expect(parseFlag(spelling)).toBe(false);
  });

  it("takes JSON booleans as they are", () => {
    expect(parseFlag(true)).toBe(true);
    expect(parseFlag(false)).toBe(false);
  });

  it.each(["", "maybe", "2", "truee", " true", "yes please", 1, null])("refuses %j, naming the field", (value) => {
    expect(parseFlag(value)).toBe("with_content is invalid (must be a boolean (true or false))");
  });
});
