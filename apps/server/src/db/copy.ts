import type { Worker } from 'node:worker_threads';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from './types.js';

/**
 * Bulk writes with COPY, one interface over both engines (research/stack.md §1.7): `COPY … FROM
 * STDIN` on a PostgreSQL server (pg-copy-streams), and on PGlite `COPY … FROM '/dev/blob'` run by
 * the worker that owns the database, in the same session as the socket connection the caller has
 * checked out — so the rows land inside the caller's open transaction. (`FROM STDIN` through the
 * socket killed PGlite.)
 */

export type CopyValue = string | number | boolean | null | object;

/** Writes rows into a table's columns; answers the number of rows written. */
export type CopyIn = (
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly CopyValue[]>,
) => Promise<number>;

/** A connection held alone: a Kysely over it, and COPY into it. */
export interface BulkSession {
  db: Kysely<Database>;
  copy: CopyIn;
}

/** One value in COPY's CSV: null is an empty unquoted field, every other value is quoted. */
function csvValue(value: CopyValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

export function copyCsv(rows: ReadonlyArray<readonly CopyValue[]>): string {
  let out = '';
  for (const row of rows) out += row.map(csvValue).join(',') + '\n';
  return out;
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  const ident = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an identifier: ${name}`);
    return name;
  };
  return `copy ${ident(table)} (${columns.map(ident).join(', ')}) from ${source} with (format csv)`;
}

/** COPY on a PostgreSQL server, through the client's own connection. */
export function serverCopy(client: pg.PoolClient): CopyIn {
  return async (table, columns, rows) => {
    if (rows.length === 0) return 0;
    const stream = client.query(copyFrom(copyStatement(table, columns, 'stdin')));
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', () => resolve());
      stream.end(copyCsv(rows));
    });
    return rows.length;
  };
}

/** What the PGlite worker answers to a COPY request (pglite-worker.js). */
interface WorkerAnswer {
  type: string;
  id?: number;
  rows?: number;
  bytes?: Uint8Array;
  message?: string;
  code?: string;
}

/** Sends the worker one COPY request and waits for the answer with the same id. */
function workerRequests(worker: Worker) {
  let next = 0;
  return (request: Record<string, unknown>, transfer: ArrayBuffer[] = []) => {
    const id = (next += 1);
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const done = () => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (m: WorkerAnswer) => {
        if (m.id !== id) return;
        done();
        if (m.type === 'copy_failed')
          reject(Object.assign(new Error(m.message ?? 'COPY failed'), { code: m.code }));
        else resolve(m);
      };
      // A worker gone mid-COPY answers nothing: the caller must not hold PGlite's one connection forever.
      const onExit = (code: number) => {
        done();
        reject(new Error(`the PGlite worker stopped (exit code ${code}) during a COPY`));
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ ...request, id }, transfer);
    });
  };
}

/** COPY on PGlite: the worker runs it on the one session, which the caller holds. */
export function pgliteCopy(worker: Worker): CopyIn {
  const ask = workerRequests(worker);
  return async (table, columns, rows) => {
    if (rows.length === 0) return 0;
    const bytes = new TextEncoder().encode(copyCsv(rows));
    const answer = await ask({ type: 'copy', sql: copyStatement(table, columns, `'/dev/blob'`), bytes }, [
      bytes.buffer as ArrayBuffer,
    ]);
    return answer.rows ?? rows.length;
  };
}

/**
 * Reads a query's rows as CSV text (`COPY (query) TO …`, RFC 4180 quoting, `\n` line ends, null
 * as an empty field), in chunks as the engine writes them. The database formats the values, so no
 * row is ever parsed into an object: a national export spends its time in the query alone.
 */
export type CopyOut = (query: CompiledQuery, options?: CopyOutOptions) => AsyncGenerator<Uint8Array>;

export interface CopyOutOptions {
  /** Planner settings for this one statement (`SET LOCAL`, in a transaction of its own). */
  settings?: Record<string, string>;
}

/** `SET LOCAL` statements for the settings asked, their names checked. */
function settingStatements(settings: Record<string, string> | undefined): string[] {
  return Object.entries(settings ?? {}).map(([name, value]) => {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`not a setting: ${name}`);
    return `set local ${name} = ${pg.escapeLiteral(value)}`;
  });
}

/**
 * A parameter's text as pg sends it, for the values the exports pass: text, numbers, booleans and
 * one-dimensional arrays of them (as PostgreSQL array literals). Anything else (a Date, a Buffer, a
 * nested array, an object) pg would send in a form of its own: refused rather than guessed.
 */
function parameterText(value: unknown, inArray = false): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && !inArray)
    return `{${value
      .map((item) => {
        const text = parameterText(item, true);
        return text === null ? 'NULL' : `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      })
      .join(',')}}`;
  if (['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return String(value);
  throw new Error(`a COPY parameter must be text, a number, a boolean or an array of them: ${typeof value}`);
}

/**
 * The query with its parameters written in as literals: COPY takes no parameters. Each value is
 * written as the driver would send it (pg's own text form, quoted), so `$1::date`, `$2::bigint[]`
 * and an untyped `$3` read exactly as they did as parameters. Quoted literals and identifiers and
 * comments in the query's text are passed over: a `$1` inside them is not a parameter.
 * (Escape strings `E'…'` and dollar quotes are not recognized: the queries given here use none.)
 */
export function inlineParameters(query: CompiledQuery): string {
  const literal = (value: unknown) => {
    const text = parameterText(value);
    return text === null ? 'null' : pg.escapeLiteral(text);
  };
  return query.sql.replace(
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$(\d+)/g,
    (match, index: string | undefined) => {
      if (index === undefined) return match;
      const position = Number(index) - 1;
      if (position >= query.parameters.length) throw new Error(`no parameter $${index}`);
      return literal(query.parameters[position]);
    },
  );
}

/**
 * COPY … TO STDOUT on a PostgreSQL server, on a connection of its own (pg-copy-streams): the bytes
 * come as the server sends them, so memory holds a chunk, not the file. A reader that stops early
 * leaves the connection in the middle of a COPY: it is closed, not handed back to the pool.
 */
export function serverCopyOut(pool: pg.Pool): CopyOut {
  return async function* (query, options) {
    const client = await pool.connect();
    let finished = false;
    try {
      const settings = settingStatements(options?.settings);
      if (settings.length) {
        await client.query('begin');
        for (const statement of settings) await client.query(statement);
      }
      const stream = client.query(copyTo(`copy (${inlineParameters(query)}) to stdout with (format csv)`));
      for await (const chunk of stream) yield chunk as Uint8Array;
      if (settings.length) await client.query('commit');
      finished = true;
    } finally {
      client.release(finished ? undefined : new Error('COPY TO stopped before its end'));
    }
  };
}

/**
 * `COPY … TO '/dev/blob'` on PGlite, run by the worker, while the caller holds the one connection
 * (so no other request's transaction is open in the session meanwhile). PGlite hands the whole
 * result over at once: callers keep each query to a bounded number of rows (a batch).
 */
export function pgliteCopyOut(pool: pg.Pool, worker: Worker): CopyOut {
  const ask = workerRequests(worker);
  return async function* (query, options) {
    const client = await pool.connect();
    let answer: WorkerAnswer;
    try {
      // A new connection may still be running its session settings (configureSessions): waited for,
      // so that they never land inside the worker's own transaction.
      await client.query('select 1');
      answer = await ask({
        type: 'copy_out',
        sql: `copy (${inlineParameters(query)}) to '/dev/blob' with (format csv)`,
        settings: settingStatements(options?.settings),
      });
    } finally {
      client.release();
    }
    if (answer.bytes?.length) yield answer.bytes;
  };
}

/**
 * Checks a connection out of the pool and hands it to `work` alone, with COPY. The caller opens a
 * transaction on `session.db` when it needs one; the connection goes back to the pool afterwards.
 */
export async function withBulkSession<T>(
  pool: pg.Pool,
  copyFor: (client: pg.PoolClient) => CopyIn,
  work: (session: BulkSession) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // Kysely over this one connection: it "releases" after each query, which must not hand it back.
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: async () => ({ query: client.query.bind(client), release: () => undefined }),
        end: async () => undefined,
      },
    }),
  });
  try {
    return await work({ db, copy: copyFor(client) });
  } finally {
    // Returned to the pool even after a failure: the transaction the caller opened has been rolled
    // back by then. (Closing it instead broke PGlite's one-connection socket: EPIPE on the next.)
    client.release();
  }
}
