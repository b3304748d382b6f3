import type { Worker } from 'node:worker_threads';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

/** COPY on PGlite: the worker runs it on the one session, which the caller holds. */
export function pgliteCopy(worker: Worker): CopyIn {
  let next = 0;
  return async (table, columns, rows) => {
    if (rows.length === 0) return 0;
    const id = (next += 1);
    const bytes = new TextEncoder().encode(copyCsv(rows));
    return new Promise<number>((resolve, reject) => {
      const onMessage = (m: {
        type: string;
        id?: number;
        rows?: number;
        message?: string;
        code?: string;
      }) => {
        if (m.id !== id) return;
        worker.off('message', onMessage);
        if (m.type === 'copied') resolve(m.rows ?? rows.length);
        else reject(Object.assign(new Error(m.message ?? 'COPY failed'), { code: m.code }));
      };
      worker.on('message', onMessage);
      worker.postMessage({ type: 'copy', id, sql: copyStatement(table, columns, `'/dev/blob'`), bytes }, [
        bytes.buffer,
      ]);
    });
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
