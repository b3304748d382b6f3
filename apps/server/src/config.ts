import path from 'node:path';

/** Every setting Rollbook reads, from the environment, with its default. The CLI's options override these. */
export interface Config {
  /** TCP port of the HTTP server (`PORT`). */
  port: number;
  /** Interface to listen on (`HOST`). */
  host: string;
  /** A PostgreSQL server to use instead of embedded PGlite (`DATABASE_URL`). */
  databaseUrl: string | undefined;
  /** Folder of the embedded database (`ROLLBOOK_DATA_DIR`). */
  dataDir: string;
  /** A rule pack file replacing the default party statute (`ROLLBOOK_RULE_PACK`). */
  rulePackFile: string | undefined;
  /** The organization's time zone, which decides what "today" is (`ROLLBOOK_TIME_ZONE`). */
  timeZone: string;
  /** pino log level (`LOG_LEVEL`). */
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not “${env.PORT}”.`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ROLLBOOK_DATA_DIR || 'data'),
    rulePackFile: env.ROLLBOOK_RULE_PACK || undefined,
    timeZone: env.ROLLBOOK_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
