import { boot } from './boot.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { recoverImports } from './modules/imports/imports.service.js';
import { refreshRollupUnits } from './modules/members/member-rollup.js';

/**
 * Serves the API and the web app until SIGINT or SIGTERM, then closes cleanly: no new requests,
 * in-flight ones finished, the database checkpointed and its lock released.
 */
export async function serve(config: Config): Promise<void> {
  const { ctx, handle } = await boot(config);
  const app = await buildApp(ctx, { logger: { level: config.logLevel } });
  // Large subtrees get (or lose) their pre-aggregated member figures as the register grows.
  const rollups = await ctx.db
    .transaction()
    .execute((trx) => refreshRollupUnits(trx, ctx.today(), config.rollupMinMembers));
  if (rollups.chosen.length || rollups.dropped.length) app.log.info(rollups, 'member roll-ups refreshed');
  // An import the last process was running when it stopped can be run again (nothing half-written).
  const recovered = await recoverImports(ctx);
  if (recovered) app.log.info({ imports: recovered }, 'interrupted imports can be run again');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
      await handle.close();
      process.exit(0);
    } catch (error) {
      app.log.error(error);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await handle.close();
    throw error;
  }
  const where = config.databaseUrl ? 'PostgreSQL server' : `PGlite in ${config.dataDir}`;
  app.log.info(
    `Rollbook is ready on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${where})`,
  );
}
