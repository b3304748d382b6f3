// Runs embedded PostgreSQL (PGlite, WebAssembly) on its own thread and serves it on a Unix socket,
// so a long query never freezes the HTTP server's event loop (research/stack.md §1.5: a 0.9 s
// query froze the loop for 862 ms on the main thread). Plain JavaScript on purpose: worker files
// must run as they are, in the compiled server and under the test runner alike.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Every extension the schema uses must be loaded on every open (stack.md §1.2). */
const extensions = { btree_gist, ltree, pg_trgm, unaccent };

let db;
let server;
try {
  db = await PGlite.create({ dataDir: workerData.dataDir, extensions });
  // One connection at a time: the socket server queues statements per query, so two client
  // connections could interleave inside each other's transactions (stack.md §1.6).
  server = new PGLiteSocketServer({ db, path: workerData.socketPath, maxConnections: 1 });
  await server.start();
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

/** A COPY request's failure, answered to the request (db/copy.ts) with the database's message and code. */
function copyFailed(id, error) {
  parentPort.postMessage({
    type: 'copy_failed',
    id,
    message: error instanceof Error ? error.message : String(error),
    code: error?.code,
  });
}

parentPort.on('message', async (message) => {
  if (message?.type === 'copy') {
    // Bulk rows for db/copy.ts, run on the one session: inside the transaction the main thread's
    // socket connection holds open (it waits, idle, for this answer).
    try {
      const result = await db.query(message.sql, [], { blob: new Blob([message.bytes]) });
      parentPort.postMessage({ type: 'copied', id: message.id, rows: result.affectedRows });
    } catch (error) {
      copyFailed(message.id, error);
    }
    return;
  }
  if (message?.type === 'copy_out') {
    // Rows read out as CSV for db/copy.ts (COPY … TO '/dev/blob'), with planner settings for this
    // statement alone when asked (SET LOCAL, in a transaction of its own: the caller holds the
    // socket connection, idle, so no other transaction is open in the session).
    try {
      const run = async (tx) => {
        for (const statement of message.settings) await tx.exec(statement);
        return tx.query(message.sql);
      };
      const result = message.settings.length ? await db.transaction(run) : await db.query(message.sql);
      // No blob when the query found no rows.
      const bytes = result.blob ? new Uint8Array(await result.blob.arrayBuffer()) : new Uint8Array(0);
      parentPort.postMessage({ type: 'copied_out', id: message.id, bytes }, [bytes.buffer]);
    } catch (error) {
      copyFailed(message.id, error);
    }
    return;
  }
  if (message?.type !== 'stop') return;
  try {
    await server?.stop();
    // A checkpoint before closing leaves a clean data folder: no WAL replay at the next start.
    await db?.exec('CHECKPOINT');
    await db?.close();
  } finally {
    parentPort.postMessage({ type: 'stopped' });
  }
});
