/**
 * Bitbucket's filtering (`q`), sorting (`sort`) and partial responses (`fields`).
 *
 * q grammar (https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering):
 *   expr       := or
 *   or         := and ("OR" and)*
 *   and        := primary ("AND" primary)*
 *   primary    := "(" expr ")" | comparison
 *   comparison := field op value
 *   field      := identifier ("." identifier)*
 *   op         := "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<="
 *   value      := "double-quoted string" (\" and \\ escapes) | number | true | false | null
 *               | bare datetime (2024-01-31 or 2024-01-31T10:00:00+00:00)
 * AND/OR are case-insensitive; `~` is a case-insensitive "contains".
 */

export class QueryError extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = "QueryError";
  }
}

export type Operator = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<=";
export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "datetime"; value: number; raw: string };

export type QueryNode =
  | { type: "and" | "or"; left: QueryNode; right: QueryNode }
  | { type: "compare"; field: string; op: Operator; value: Literal };

type Token =
  | { kind: "lparen" | "rparen"; pos: number }
  | { kind: "op"; value: Operator; pos: number }
  | { kind: "string"; value: string; pos: number }
  | { kind: "word"; value: string; pos: number }
  | { kind: "end"; pos: number };

const OPERATORS: readonly Operator[] = [">=", "<=", "!=", "!~", "=", "~", ">", "<"];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: ch === "(" ? "lparen" : "rparen", pos: i });
      i++;
      continue;
    }
    const op = OPERATORS.find((candidate) => input.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: "op", value: op, pos: i });
      i += op.length;
      continue;
    }
    if (ch === '"') {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= input.length) throw new QueryError("Invalid query", `Unterminated string starting at position ${start}`);
        const c = input[i]!;
        if (c === "\\") {
          const next = input[i + 1];
          if (next === undefined) throw new QueryError("Invalid query", `Unterminated string starting at position ${start}`);
          // Only \" and \\ are escapes; any other backslash is kept as it is.
          if (next === '"' || next === "\\") value += next;
          else value += `\\${next}`;
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: "string", value, pos: start });
      continue;
    }
    const match = /^[^\s()"=!~<>]+/.exec(input.slice(i));
    if (!match) throw new QueryError("Invalid query", `Unexpected character '${ch}' at position ${i}`);
    tokens.push({ kind: "word", value: match[0], pos: i });
    i += match[0].length;
  }
  tokens.push({ kind: "end", pos: input.length });
  return tokens;
}

const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseBareLiteral(token: { value: string; pos: number }): Literal {
  const raw = token.value;
  const lower = raw.toLowerCase();
  if (lower === "true" || lower === "false") return { kind: "boolean", value: lower === "true" };
  if (lower === "null" || lower === "none") return { kind: "null" };
  if (/^-?\d+(\.\d+)?$/.test(raw)) return { kind: "number", value: Number(raw) };
  if (DATETIME_PATTERN.test(raw)) {
    const value = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw}Z`);
    if (!Number.isNaN(value)) return { kind: "datetime", value, raw };
  }
  throw new QueryError("Invalid query", `Unexpected value '${raw}' at position ${token.pos}; strings must be double-quoted`);
}

export function parseQuery(input: string): QueryNode {
  const tokens = tokenize(input);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const keyword = (token: Token, word: "AND" | "OR") => token.kind === "word" && token.value.toUpperCase() === word;
  const describe = (token: Token) => (token.kind === "end" ? "end of query" : `'${input.slice(token.pos).split(/\s/)[0]}' at position ${token.pos}`);

  /** A left-associative chain of `operand (word operand)*`. */
  function parseChain(word: "AND" | "OR", parseOperand: () => QueryNode): QueryNode {
    const type = word === "AND" ? "and" : "or";
    let left = parseOperand();
    while (keyword(peek(), word)) {
      next();
      left = { type, left, right: parseOperand() };
    }
    return left;
  }
  function parseOr(): QueryNode {
    return parseChain("OR", parseAnd);
  }
  function parseAnd(): QueryNode {
    return parseChain("AND", parsePrimary);
  }
  function parsePrimary(): QueryNode {
    const token = next();
    if (token.kind === "lparen") {
      const inner = parseOr();
      const close = next();
      if (close.kind !== "rparen") throw new QueryError("Invalid query", `Expected ')' but found ${describe(close)}`);
      return inner;
    }
    if (token.kind !== "word" || !FIELD_PATTERN.test(token.value) || keyword(token, "AND") || keyword(token, "OR")) {
      throw new QueryError("Invalid query", `Expected a field name but found ${describe(token)}`);
    }
    const op = next();
    if (op.kind !== "op") throw new QueryError("Invalid query", `Expected an operator after '${token.value}' but found ${describe(op)}`);
    const valueToken = next();
    let value: Literal;
    if (valueToken.kind === "string") value = { kind: "string", value: valueToken.value };
    else if (valueToken.kind === "word") value = parseBareLiteral(valueToken);
    else throw new QueryError("Invalid query", `Expected a value after '${token.value} ${op.value}' but found ${describe(valueToken)}`);
    return { type: "compare", field: token.value, op: op.value, value };
  }

  if (peek().kind === "end") throw new QueryError("Invalid query", "The query is empty");
  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== "end") throw new QueryError("Invalid query", `Unexpected ${describe(rest)}`);
  return tree;
}

/** Field names a query may use, with their types; anything else is a 400. */
/** "object" fields (e.g. parent) can only be compared with null. */
export type FieldType = "string" | "number" | "boolean" | "datetime" | "object";
export type FieldSchema = Readonly<Record<string, FieldType>>;

export function validateQuery(node: QueryNode, schema: FieldSchema): void {
  if (node.type !== "compare") {
    validateQuery(node.left, schema);
    validateQuery(node.right, schema);
    return;
  }
  const type = schema[node.field];
  if (!type) throw new QueryError(`Invalid field name: ${node.field}`, `'${node.field}' is not a field that can be queried here`);
  const { op, value } = node;
  if (type === "object" && (value.kind !== "null" || (op !== "=" && op !== "!="))) {
    throw new QueryError("Invalid query", `The field '${node.field}' can only be compared with null`);
  }
  if ((op === "~" || op === "!~") && type !== "string") {
    throw new QueryError("Invalid query", `The operator '${op}' cannot be used with the field '${node.field}'`);
  }
  if (value.kind === "null" && op !== "=" && op !== "!=") {
    throw new QueryError("Invalid query", `null can only be compared with = or !=`);
  }
  if (type === "boolean" && value.kind !== "boolean" && value.kind !== "null") {
    throw new QueryError("Invalid query", `The field '${node.field}' must be compared with true or false`);
  }
  if (type === "boolean" && op !== "=" && op !== "!=") {
    throw new QueryError("Invalid query", `The operator '${op}' cannot be used with the field '${node.field}'`);
  }
  if (type === "number" && value.kind !== "number" && value.kind !== "null") {
    throw new QueryError("Invalid query", `The field '${node.field}' must be compared with a number`);
  }
  if (type === "datetime" && value.kind !== "datetime" && value.kind !== "string" && value.kind !== "null") {
    throw new QueryError("Invalid query", `The field '${node.field}' must be compared with a date`);
  }
  if (type === "datetime" && value.kind === "string" && Number.isNaN(Date.parse(value.value))) {
    throw new QueryError("Invalid query", `'${value.value}' is not a valid date`);
  }
}

export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compareValues(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function evaluateComparison(actual: unknown, op: Operator, literal: Literal, type: FieldType | undefined): boolean {
  if (literal.kind === "null") {
    const isNull = actual === null || actual === undefined;
    return op === "=" ? isNull : !isNull;
  }
  if (actual === null || actual === undefined) return op === "!=" || op === "!~";
  if (op === "~" || op === "!~") {
    const contains = String(actual).toLowerCase().includes(String(literalValue(literal)).toLowerCase());
    return op === "~" ? contains : !contains;
  }
  let left: number | string;
  let right: number | string;
  if (type === "datetime" || literal.kind === "datetime") {
    left = Date.parse(String(actual));
    right = literal.kind === "datetime" ? literal.value : Date.parse(String(literalValue(literal)));
  } else if (typeof actual === "boolean" || literal.kind === "boolean") {
    const equal = String(actual) === String(literalValue(literal));
    if (op === "=") return equal;
    if (op === "!=") return !equal;
    return false;
  } else if (typeof actual === "number" && literal.kind === "number") {
    left = actual;
    right = literal.value;
  } else {
    left = String(actual);
    right = String(literalValue(literal));
  }
  const order = compareValues(left, right);
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
  }
}

function literalValue(literal: Literal): string | number | boolean | null {
  switch (literal.kind) {
    case "string":
    case "number":
    case "boolean":
      return literal.value;
    case "datetime":
      return literal.raw;
    case "null":
      return null;
  }
}

export function evaluateQuery(node: QueryNode, item: unknown, schema?: FieldSchema): boolean {
  switch (node.type) {
    case "and":
      return evaluateQuery(node.left, item, schema) && evaluateQuery(node.right, item, schema);
    case "or":
      return evaluateQuery(node.left, item, schema) || evaluateQuery(node.right, item, schema);
    case "compare":
      return evaluateComparison(getPath(item, node.field), node.op, node.value, schema?.[node.field]);
  }
}

/** Parses and validates `q`, returning a predicate over API representations. */
export function compileQuery(q: string, schema: FieldSchema): (item: unknown) => boolean {
  const tree = parseQuery(q);
  validateQuery(tree, schema);
  return (item) => evaluateQuery(tree, item, schema);
}

// ---------------------------------------------------------------------------------------------
// sort

/** `sort=name`, `sort=-updated_on`, `sort=project.key`. Returns a comparator or throws QueryError. */
export function compileSort(sort: string, schema: FieldSchema): (a: unknown, b: unknown) => number {
  const descending = sort.startsWith("-");
  const field = descending ? sort.slice(1) : sort;
  const type = schema[field];
  if (!type) throw new QueryError(`Invalid field name: ${field}`, `'${field}' is not a field that can be sorted on here`);
  return (a, b) => {
    const left = getPath(a, field);
    const right = getPath(b, field);
    let order: number;
    if (left === right) order = 0;
    else if (left === null || left === undefined) order = -1;
    else if (right === null || right === undefined) order = 1;
    else if (type === "datetime") order = compareValues(Date.parse(String(left)), Date.parse(String(right)));
    else if (type === "number") order = compareValues(Number(left), Number(right));
    else if (type === "boolean") order = compareValues(Number(left), Number(right));
    else order = compareValues(String(left), String(right));
    return descending ? -order : order;
  };
}

// ---------------------------------------------------------------------------------------------
// fields (partial responses)

interface FieldSpec {
  mode: "only" | "add" | "remove";
  path: string[];
}

export function parseFields(fields: string): FieldSpec[] {
  return fields
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): FieldSpec => {
      if (part.startsWith("+")) return { mode: "add", path: part.slice(1).split(".") };
      if (part.startsWith("-")) return { mode: "remove", path: part.slice(1).split(".") };
      return { mode: "only", path: part.split(".") };
    })
    .filter((spec) => spec.path.every(Boolean));
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Keeps only the given paths of `value` (arrays are traversed transparently, `*` matches any key). */
function pickPaths(value: unknown, paths: string[][]): unknown {
  if (paths.some((path) => path.length === 0)) return clone(value);
  if (Array.isArray(value)) return value.map((item) => pickPaths(item, paths));
  if (value === null || typeof value !== "object") return undefined;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const rest = paths.filter((path) => path[0] === key || path[0] === "*").map((path) => path.slice(1));
    if (rest.length === 0) continue;
    const picked = pickPaths(source[key], rest);
    // A sub-object none of whose keys matched (e.g. `values.*.c` against `links`) is left out.
    if (picked !== undefined && !(isEmptyObject(picked) && !isEmptyObject(source[key]))) result[key] = picked;
  }
  return result;
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}

function removePath(value: unknown, path: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) removePath(item, path);
    return;
  }
  if (value === null || typeof value !== "object" || path.length === 0) return;
  const target = value as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  const keys = head === "*" ? Object.keys(target) : [head];
  for (const key of keys) {
    if (rest.length === 0) delete target[key];
    else removePath(target[key], rest);
  }
}

/**
 * Applies a Bitbucket `fields` parameter to a response body. Without any unprefixed entry the
 * default representation stays and `-x` removes from it; with one or more unprefixed entries only
 * those (and `+` entries) are kept. `+` entries can reach fields the default representation hides:
 * pass them in `full` (the default representation is `body`).
 */
export function applyFields<T>(body: T, fields: string | null, full?: unknown): unknown {
  if (!fields) return body;
  const specs = parseFields(fields);
  if (specs.length === 0) return body;
  const only = specs.filter((spec) => spec.mode === "only").map((spec) => spec.path);
  const add = specs.filter((spec) => spec.mode === "add").map((spec) => spec.path);
  let result: unknown;
  if (only.length > 0) {
    result = pickPaths(full ?? body, [...only, ...add]);
  } else {
    result = clone(body);
    if (add.length > 0 && full !== undefined) result = mergeDeep(result, pickPaths(full, add));
  }
  for (const spec of specs) if (spec.mode === "remove") removePath(result, spec.path);
  return result;
}

function mergeDeep(target: unknown, source: unknown): unknown {
  if (source === undefined) return target;
  if (Array.isArray(target) && Array.isArray(source)) return target.map((item, i) => mergeDeep(item, source[i]));
  if (target && source && typeof target === "object" && typeof source === "object" && !Array.isArray(target)) {
    const result = target as Record<string, unknown>;
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      result[key] = key in result ? mergeDeep(result[key], value) : value;
    }
    return result;
  }
  return target ?? source;
}
