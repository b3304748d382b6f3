import fs from 'node:fs/promises';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { syncBuiltinRoles } from '../modules/access/users.service.js';
import type { Database } from './types.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** The newest migration shipped with this build (what a fully migrated database reports). */
export async function latestMigration(): Promise<string> {
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  return files[files.length - 1]!.replace(/\.sql$/, '');
}

/** Reads `migrations/NNNN_name.sql`: the schema is the SQL itself, identical on both engines. */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await fs.readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: (db) =>
          sql
            .raw(text)
            .execute(db)
            .then(() => undefined),
      };
    }
    return migrations;
  }
}

export interface MigrationReport {
  applied: string[];
  level: string | null;
}

/** Brings the schema up to date; safe to run at every start. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new SqlFileMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  await syncBuiltinRoles(db);
  return { applied, level: await migrationLevel(db) };
}

/** The name of the newest applied migration, or null on an empty database. */
export async function migrationLevel(db: Kysely<Database>): Promise<string | null> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new SqlFileMigrationProvider() });
  const all = await migrator.getMigrations();
  const done = all.filter((m) => m.executedAt);
  return done.length ? (done[done.length - 1]?.name ?? null) : null;
}
