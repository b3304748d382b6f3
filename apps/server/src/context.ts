import type { KindRules } from '@rollbook/domain';
import { type IsoDate, todayIn } from '@rollbook/domain';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { BulkSession, CopyOut } from './db/copy.js';
import type { EngineName } from './db/engine.js';
import type { Database } from './db/types.js';

/** What every edge (HTTP route or CLI command) hands to the services. */
export interface AppContext {
  db: Kysely<Database>;
  engine: EngineName;
  /** A connection held alone, with COPY: for bulk imports (db/copy.ts). */
  bulk<T>(work: (session: BulkSession) => Promise<T>): Promise<T>;
  /** A query's rows as CSV, formatted by the database: for exports (db/copy.ts). */
  copyOut: CopyOut;
  rules: KindRules;
  config: Config;
  /** Today in the organization's time zone: the default "as of" date. */
  today(): IsoDate;
}

export function createContext(args: {
  db: Kysely<Database>;
  engine: EngineName;
  bulk: AppContext['bulk'];
  copyOut: CopyOut;
  rules: KindRules;
  config: Config;
}): AppContext {
  return { ...args, today: () => todayIn(args.config.timeZone) };
}
