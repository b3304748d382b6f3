import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import {
  type BulkSession,
  type CopyOut,
  pgliteCopy,
  pgliteCopyOut,
  serverCopy,
  serverCopyOut,
  withBulkSession,
} from './copy.js';
import { DataDirLock } from './data-dir-lock.js';
import type { Database } from './types.js';

export type EngineName = 'pglite' | 'postgres';

/** An open database: the typed query builder, which engine serves it, and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: EngineName;
  /** A connection held alone, with COPY (db/copy.ts): bulk imports write through it. */
  bulk<T>(work: (session: BulkSession) => Promise<T>): Promise<T>;
  /** A query's rows as CSV, formatted by the database (db/copy.ts): the member export reads through it. */
  copyOut: CopyOut;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL server; when absent, embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's folder; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Connections to a PostgreSQL server. */
  poolSize?: number;
}

// Dates stay ISO strings (no time zone can shift a calendar date); int8 ids and counts become
// numbers (ids stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// bigint[] (oid 1016): the same numbers, in an array.
const parseBigintArray = pg.types.getTypeParser(1016 as never) as (v: string) => string[];
pg.types.setTypeParser(1016 as never, (v: string) => parseBigintArray(v).map(Number));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * Settings of every session the product opens.
 * - Memoize is off: the planner sizes its cache by the number of distinct keys it expects, and for
 *   a page of a national list (a LIMIT over millions of rows) it expected millions — setting up
 *   that cache took 135 ms for a 51-row page that otherwise takes 4 ms (6 M members, work_mem
 *   64 MB; measured with EXPLAIN ANALYZE). The lists and counts here look up few rows by index,
 *   where a cache gains little.
 * - JIT compilation is off (a server's; PGlite has none): it starts on the planner's estimate of a
 *   query's cost, and a few estimates here are far off. The work list's transfers in transit, say,
 *   estimated at 64 k spans on a day that had none, took 11 ms to compile for 0.06 ms of work
 *   (6.3 M members, PostgreSQL 15); a province's work list went from 65 to 37 ms.
 */
function configureSessions(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    // Queued on the client before any query the pool hands it out for.
    // One statement list: a second query queued on a client while one runs is deprecated in pg.
    client.query('set enable_memoize = off; set jit = off').catch(() => undefined);
  });
  return pool;
}

/** Opens PGlite (in a worker thread, behind a Unix socket) or a PostgreSQL server, with one Kysely on top. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = configureSessions(
      new pg.Pool({
        connectionString: options.databaseUrl,
        max: options.poolSize ?? 10,
        // Two connections stay open however quiet the server (the rest close after 10 s idle, the
        // default). A new server process first reads the catalog and maps the shared buffers it
        // touches: a province's first page planned in 10 ms in a new connection against 2 ms in a
        // used one (6 M members). Idle, they do not keep a CLI command's process alive.
        min: 2,
        allowExitOnIdle: true,
      }),
    );
    // The cursor lets a query stream its rows (Kysely's stream()): a server export reads a whole
    // subtree in one ordered query, a chunk at a time, on a connection of its own.
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
    return {
      db,
      engine: 'postgres',
      bulk: (work) => withBulkSession(pool, serverCopy, work),
      copyOut: serverCopyOut(pool),
      close: () => db.destroy(),
    };
  }
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const lock = dataDir ? DataDirLock.acquire(dataDir) : undefined;
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-pg-'));
  const socketPath = path.join(socketDir, '.s.PGSQL.5432');
  const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
    workerData: { dataDir: dataDir ? path.join(dataDir, 'pg') : undefined, socketPath },
  });
  const cleanup = () => {
    lock?.release();
    fs.rmSync(socketDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: { type: string; message?: string }) =>
        m.type === 'ready' ? resolve() : reject(new Error(`PGlite did not start: ${m.message ?? m.type}`)),
      );
    });
  } catch (error) {
    await worker.terminate();
    cleanup();
    throw error;
  }
  // A single connection: PGlite is one session, and a transaction must hold it alone so no other
  // request's statement runs inside it (stack.md §1.6). Kysely's transactions check it out.
  const pool = configureSessions(
    new pg.Pool({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 }),
  );
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  const copy = pgliteCopy(worker);
  return {
    db,
    engine: 'pglite',
    bulk: (work) => withBulkSession(pool, () => copy, work),
    copyOut: pgliteCopyOut(pool, worker),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'stop' });
      });
      await worker.terminate();
      cleanup();
    },
  };
}
