import fs from 'node:fs';
import { DEFAULT_RULE_PACK, KindRules, parseRulePack } from '@rollbook/domain';
import type { Config } from './config.js';
import { type AppContext, createContext } from './context.js';
import { type DatabaseHandle, openDatabase } from './db/engine.js';
import { migrateToLatest } from './db/migrate.js';

/** The rule pack from ROLLBOOK_RULE_PACK, or the default party statute. */
export function loadRules(config: Config): KindRules {
  if (!config.rulePackFile) return new KindRules(DEFAULT_RULE_PACK);
  const text = fs.readFileSync(config.rulePackFile, 'utf8');
  return new KindRules(parseRulePack(JSON.parse(text)));
}

/** Opens the database, brings the schema up to date, and builds the context every edge uses. */
export async function boot(config: Config): Promise<{ ctx: AppContext; handle: DatabaseHandle }> {
  const rules = loadRules(config);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    ctx: createContext({
      db: handle.db,
      engine: handle.engine,
      bulk: handle.bulk,
      copyOut: handle.copyOut,
      rules,
      config,
    }),
    handle,
  };
}
