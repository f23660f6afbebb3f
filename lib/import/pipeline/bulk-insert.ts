import { withConnection, type Db, type DbTransaction } from "@/lib/db";

/**
 * Many rows in one `INSERT … SELECT FROM jsonb_to_recordset($1) ON CONFLICT DO NOTHING`: the rows
 * travel as one JSON parameter, so a page of notes costs one statement and a few milliseconds,
 * where Prisma's createMany spends far more time building the query than PostgreSQL spends on it.
 * Rows whose unique keys (source ids) exist already are skipped, so a re-run never duplicates.
 *
 * Table, column and enum names come from the column maps below (constants, checked against a
 * strict pattern); values are never part of the SQL text.
 */
type ColumnType = "integer" | "bigint" | "text" | "boolean" | "jsonb" | "timestamp" | { enum: string };
type Column<Row> = { type: ColumnType; value: (row: Row) => unknown };
export type Columns<Row> = Readonly<Record<string, Column<Row>>>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Rows per statement: keeps the JSON parameter to a few megabytes. */
const CHUNK = 1_000;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

function recordsetType(type: ColumnType): string {
  if (type === "timestamp" || typeof type === "object") return "text";
  return type;
}

function selected(name: string, type: ColumnType): string {
  const column = `x.${quoted(name)}`;
  // Prisma keeps DateTime as UTC in `timestamp(3)` columns; convert explicitly, whatever the session's time zone.
  if (type === "timestamp") return `(${column}::timestamptz AT TIME ZONE 'UTC')`;
  if (typeof type === "object") return `${column}::${quoted(type.enum)}`;
  return column;
}

function encoded(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Statement text per table and column set, built once. */
const statements = new Map<string, string>();

function statementFor<Row>(table: string, columns: Columns<Row>): string {
  const names = Object.keys(columns);
  const key = `${table}:${names.join(",")}`;
  let sql = statements.get(key);
  if (!sql) {
    const definitions = names.map((name) => `${quoted(name)} ${recordsetType(columns[name]!.type)}`).join(", ");
    sql =
      `INSERT INTO ${quoted(table)} (${names.map(quoted).join(", ")}) ` +
      `SELECT ${names.map((name) => selected(name, columns[name]!.type)).join(", ")} ` +
      `FROM jsonb_to_recordset($1::jsonb) AS x(${definitions}) ON CONFLICT DO NOTHING`;
    statements.set(key, sql);
  }
  return sql;
}

/**
 * Inserts the rows that are not there yet; returns how many were inserted. More than CHUNK rows
 * take several statements: pass a transaction client to make them all-or-nothing.
 */
export async function insertMissing<Row>(client: Db | DbTransaction, table: string, columns: Columns<Row>, rows: readonly Row[]): Promise<number> {
  return insertChunks(table, columns, rows, (sql, records) => client.$executeRawUnsafe(sql, records));
}

/**
 * insertMissing on a connection of its own, past Prisma (see withConnection): for the largest
 * batches (a page's notes), whose JSON Prisma would copy over and over. All rows or none.
 */
export async function insertAllMissing<Row>(table: string, columns: Columns<Row>, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  return withConnection(
    (connection) => insertChunks(table, columns, rows, async (sql, records) => (await connection.query(sql, [records])).rowCount ?? 0),
    { transaction: rows.length > CHUNK },
  );
}

async function insertChunks<Row>(table: string, columns: Columns<Row>, rows: readonly Row[], run: (sql: string, records: string) => Promise<number>): Promise<number> {
  if (rows.length === 0) return 0;
  const sql = statementFor(table, columns);
  const names = Object.keys(columns);
  let inserted = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const records = rows.slice(start, start + CHUNK).map((row) => {
      const record: Record<string, unknown> = {};
      for (const name of names) record[name] = encoded(columns[name]!.value(row));
      return record;
    });
    inserted += await run(sql, JSON.stringify(records));
  }
  return inserted;
}
