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
  /** Failed sign-ins in a row that lock an account (`ROLLBOOK_LOCKOUT_THRESHOLD`). */
  /** Units whose subtree holds at least this many members keep pre-aggregated figures (ADR 0006). */
  rollupMinMembers: number;
  /** The largest subtree (in members) searched for duplicate records at once (`ROLLBOOK_DUPLICATES_MAX_MEMBERS`). */
  duplicatesMaxMembers: number;
  lockoutThreshold: number;
  /** How long a locked account stays locked (`ROLLBOOK_LOCKOUT_MINUTES`). */
  lockoutMinutes: number;
  /** Sign-in attempts allowed per client address per minute (`ROLLBOOK_SIGN_IN_RATE`). */
  signInRatePerMinute: number;
  /**
   * Mark the session cookie Secure (`ROLLBOOK_SECURE_COOKIE`: `true`, `false`, or `auto` = when the
   * request came over HTTPS).
   */
  secureCookie: 'auto' | boolean;
  /** Single sign-on by OpenID Connect; off unless an issuer is set. */
  oidc: OidcConfig | undefined;
  /**
   * A secret shared by every server process (`ROLLBOOK_SESSION_SECRET`, at least 32 characters):
   * it seals the pending single sign-on login, so the provider may answer any process. Without it
   * each process uses its own random key.
   */
  sessionSecret: string | undefined;
  /**
   * Trust X-Forwarded-For/-Proto from a reverse proxy (`ROLLBOOK_TRUST_PROXY`: `true`, a number
   * of hops, or the proxies' addresses, comma-separated). Off by default: a client could otherwise
   * pick its own address for the rate limit and the audit trail.
   */
  trustProxy: boolean | number | string[];
  /**
   * The Chromium (or Chrome) that prints PDF exports (`ROLLBOOK_CHROMIUM_PATH`, default Debian's
   * `/usr/bin/chromium`). Started on the first PDF; without it, PDF exports answer `pdf_unavailable`.
   */
  chromiumPath: string;
}

const MIN_SECRET_LENGTH = 32;

export interface OidcConfig {
  /** The provider's issuer URL, where its discovery document lives (`ROLLBOOK_OIDC_ISSUER`). */
  issuer: string;
  /** This server's client id and secret at the provider (`ROLLBOOK_OIDC_CLIENT_ID`, `ROLLBOOK_OIDC_CLIENT_SECRET`). */
  clientId: string;
  clientSecret: string | undefined;
  /** The public address of Rollbook, for the redirect URL (`ROLLBOOK_PUBLIC_URL`). */
  publicUrl: string;
  /** Label of the sign-in button (`ROLLBOOK_OIDC_LABEL`). */
  label: string;
  /**
   * Whether a first sign-in may be linked by the provider's `preferred_username`
   * (`ROLLBOOK_OIDC_MATCH_USERNAME=true`; only for a provider you trust to own those names).
   */
  matchUsername: boolean;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number above 0, not “${raw}”.`);
  return value;
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
    rollupMinMembers: positiveInteger(env, 'ROLLBOOK_ROLLUP_MIN_MEMBERS', 10000),
    duplicatesMaxMembers: positiveInteger(env, 'ROLLBOOK_DUPLICATES_MAX_MEMBERS', 250000),
    lockoutThreshold: positiveInteger(env, 'ROLLBOOK_LOCKOUT_THRESHOLD', 5),
    lockoutMinutes: positiveInteger(env, 'ROLLBOOK_LOCKOUT_MINUTES', 15),
    signInRatePerMinute: positiveInteger(env, 'ROLLBOOK_SIGN_IN_RATE', 10),
    secureCookie:
      env.ROLLBOOK_SECURE_COOKIE === 'true' ? true : env.ROLLBOOK_SECURE_COOKIE === 'false' ? false : 'auto',
    oidc: env.ROLLBOOK_OIDC_ISSUER
      ? {
          issuer: env.ROLLBOOK_OIDC_ISSUER,
          clientId: env.ROLLBOOK_OIDC_CLIENT_ID || 'rollbook',
          clientSecret: env.ROLLBOOK_OIDC_CLIENT_SECRET || undefined,
          publicUrl: (env.ROLLBOOK_PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
          label: env.ROLLBOOK_OIDC_LABEL || 'Single sign-on',
          matchUsername: env.ROLLBOOK_OIDC_MATCH_USERNAME === 'true',
        }
      : undefined,
    sessionSecret: sessionSecret(env.ROLLBOOK_SESSION_SECRET),
    trustProxy: trustProxy(env.ROLLBOOK_TRUST_PROXY),
    chromiumPath: env.ROLLBOOK_CHROMIUM_PATH || '/usr/bin/chromium',
  };
}

function trustProxy(value: string | undefined): boolean | number | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function sessionSecret(secret: string | undefined): string | undefined {
  if (secret === undefined || secret === '') return undefined;
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`ROLLBOOK_SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters long.`);
  }
  return secret;
}
