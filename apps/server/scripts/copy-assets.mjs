// Copies what the compiler does not: SQL migrations and the PGlite worker (plain JavaScript).
import fs from 'node:fs';

const root = new URL('../', import.meta.url);
// Replaced, not merged: a migration renamed or removed in src must not linger in dist and run.
fs.rmSync(new URL('dist/db/migrations/', root), { recursive: true, force: true });
fs.cpSync(new URL('src/db/migrations/', root), new URL('dist/db/migrations/', root), { recursive: true });
fs.copyFileSync(new URL('src/db/pglite-worker.js', root), new URL('dist/db/pglite-worker.js', root));
