import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, reason } from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import * as oidc from 'openid-client';
import type { Config, OidcConfig } from '../../config.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorForUser, openSessionFor, type RequestOrigin } from './identity.service.js';

/** Where the provider sends the browser back; fixed, so that it can be registered at the provider. */
export const CALLBACK_PATH = '/api/v1/sso/callback';
/** The cookie holding the sealed pending login between /sso/login and /sso/callback. */
export const PENDING_COOKIE = 'rollbook_sso';
/** A login left unfinished this long is forgotten (the provider's own pages rarely take longer). */
export const PENDING_MINUTES = 10;
/** The claims Rollbook reads: the subject, the e-mail address and whether it is verified, the user name. */
const SCOPE = 'openid email profile';
/** Binds a sealed cookie to its purpose, so no other sealed value can be passed off as one. */
const SEAL_CONTEXT = Buffer.from('rollbook sso pending login v1');

// Without ROLLBOOK_SESSION_SECRET each process seals with its own key: a login started on one
// process and finished on another then fails with sso_state, and the person simply tries again.
const PROCESS_KEY = randomBytes(32);

/** What single sign-on derives from the configuration: the sealing key and the username rule. */
export interface SsoOptions {
  /** AES-256-GCM key sealing the pending-login cookie. */
  key: Buffer;
  /** Whether a first sign-in may be linked by `preferred_username` (`ROLLBOOK_OIDC_MATCH_USERNAME=true`). */
  matchUsername: boolean;
}

/** The single sign-on options of a configuration. */
export function ssoOptions(config: Pick<Config, 'sessionSecret' | 'oidc'>): SsoOptions {
  const secret = config.sessionSecret;
  return {
    // HKDF, not the secret itself: the same secret may one day key other things, each with its own label.
    key: secret ? Buffer.from(hkdfSync('sha256', secret, 'rollbook', 'sso-pending-login', 32)) : PROCESS_KEY,
    matchUsername: config.oidc?.matchUsername ?? false,
  };
}

/** A login begun at /sso/login, carried by the browser until the provider sends it back. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Encrypts and authenticates a pending login (AES-256-GCM), so the browser can neither read nor alter it. */
export function sealPendingLogin(key: Buffer, pending: PendingLogin): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(SEAL_CONTEXT);
  const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed pending login; a missing, altered, foreign or expired one fails with sso_state. */
export function openPendingLogin(key: Buffer, sealed: string | undefined, now = Date.now()): PendingLogin {
  const raw = Buffer.from(sealed ?? '', 'base64url');
  if (raw.length < 12 + 16 + 2) throw stateFailure();
  let pending: PendingLogin;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(SEAL_CONTEXT);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    pending = JSON.parse(plain.toString('utf8')) as PendingLogin;
  } catch {
    throw stateFailure();
  }
  if (!(pending.expiresAt > now)) throw stateFailure();
  return pending;
}

function stateFailure(): AppError {
  return new AppError('single_sign_on_failed', { params: { reason: reason('sso_state') } });
}

function providerFailure(cause?: unknown): AppError {
  return new AppError('single_sign_on_failed', {
    params: { reason: reason('sso_provider') },
    details: cause instanceof Error ? { cause: cause.message } : undefined,
  });
}

function noUserFailure(): AppError {
  return new AppError('single_sign_on_failed', { params: { reason: reason('sso_no_user') } });
}

/**
 * True for text a browser may read differently from us: control characters (dropped, so that
 * "/\t/host" becomes "//host"; or splitting headers) and backslashes (read as "/", so "/\host").
 */
function hasAmbiguousCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * A path on this server to return to after signing in, or "/". Only a relative path starting with
 * a single "/" is kept: anything else could send the freshly signed-in person to another site.
 */
export function safeReturnTo(returnTo: string | undefined): string {
  if (!returnTo || !returnTo.startsWith('/') || returnTo.startsWith('//')) return '/';
  if (hasAmbiguousCharacters(returnTo)) return '/';
  const base = new URL('http://rollbook.invalid');
  const resolved = new URL(returnTo, base);
  if (resolved.origin !== base.origin) return '/';
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** The redirect URI registered at the provider. */
export function callbackUrl(settings: OidcConfig): string {
  return `${settings.publicUrl}${CALLBACK_PATH}`;
}

/** True for a provider on this machine, the only place plain HTTP is accepted (tests, a local proxy). */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

let discovered: { key: string; configuration: Promise<oidc.Configuration> } | undefined;

/**
 * The provider's metadata and keys, discovered once per process and issuer/client. A failed
 * discovery is forgotten, so a provider that was down is asked again on the next sign-in.
 */
export function providerConfiguration(settings: OidcConfig): Promise<oidc.Configuration> {
  const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret ?? null]);
  if (discovered?.key === key) return discovered.configuration;
  const issuer = new URL(settings.issuer);
  const configuration = oidc.discovery(
    issuer,
    settings.clientId,
    settings.clientSecret,
    // A confidential client sends its secret in the Authorization header; a public one relies on PKCE alone.
    settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None(),
    { timeout: 10, execute: isLoopback(issuer) ? [oidc.allowInsecureRequests] : [] },
  );
  discovered = { key, configuration };
  configuration.catch(() => {
    if (discovered?.configuration === configuration) discovered = undefined;
  });
  return configuration;
}

async function configurationOrFail(settings: OidcConfig): Promise<oidc.Configuration> {
  try {
    return await providerConfiguration(settings);
  } catch (error) {
    throw providerFailure(error);
  }
}

/** Single sign-on's settings, or 409 single_sign_on_not_configured when it is off. */
export function requireSso(ctx: AppContext): OidcConfig {
  if (!ctx.config.oidc) throw new AppError('single_sign_on_not_configured');
  return ctx.config.oidc;
}

/**
 * Begins a sign-in: the provider's authorization address (code flow, PKCE S256, state, nonce) and
 * the sealed pending login the browser must bring back to the callback.
 */
export async function startSsoLogin(
  settings: OidcConfig,
  options: SsoOptions,
  returnTo: string | undefined,
): Promise<{ redirectTo: string; pendingCookie: string }> {
  const configuration = await configurationOrFail(settings);
  const pending: PendingLogin = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    returnTo: safeReturnTo(returnTo),
    expiresAt: Date.now() + PENDING_MINUTES * 60_000,
  };
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: callbackUrl(settings),
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { redirectTo: url.href, pendingCookie: sealPendingLogin(options.key, pending) };
}

/** What Rollbook learns about the person from the provider. */
export interface SsoIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  preferredUsername: string | null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Redeems the authorization code (with the PKCE verifier) and validates the ID token (signature,
 * issuer, audience, nonce); the e-mail and user name come from the UserInfo endpoint when there is
 * one, since providers may leave them out of the ID token when an access token is issued.
 */
async function redeemCode(
  configuration: oidc.Configuration,
  currentUrl: URL,
  pending: PendingLogin,
): Promise<SsoIdentity> {
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    const userInfo = configuration.serverMetadata().userinfo_endpoint
      ? await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)
      : {};
    const claims: Record<string, unknown> = { ...idToken, ...userInfo };
    return {
      issuer: idToken.iss,
      subject: idToken.sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      // Only a JSON true counts: a provider that sends "true" as text has not said what we need.
      emailVerified: claims.email_verified === true,
      preferredUsername: typeof claims.preferred_username === 'string' ? claims.preferred_username : null,
    };
  } catch (error) {
    throw providerFailure(error);
  }
}

/** A session opened by single sign-on. */
export interface SsoSignedIn {
  userId: number;
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
  returnTo: string;
}

/**
 * Finishes a sign-in at the callback: checks the provider's answer against the pending login,
 * maps the identity to a user and opens a session.
 */
export async function finishSsoLogin(
  ctx: AppContext,
  settings: OidcConfig,
  options: SsoOptions,
  input: { search: string; pendingCookie: string | undefined },
  origin: RequestOrigin,
): Promise<SsoSignedIn> {
  const pending = openPendingLogin(options.key, input.pendingCookie);
  // The redirect URI sent to the token endpoint is read from this URL, so it is built from the
  // configured public address, not from the Host header a proxy may have rewritten.
  const currentUrl = new URL(callbackUrl(settings));
  currentUrl.search = input.search;
  // A callback for another login (another tab, a forged link) is refused before the provider is asked.
  if (!sameText(currentUrl.searchParams.get('state') ?? '', pending.state)) throw stateFailure();
  const identity = await redeemCode(await configurationOrFail(settings), currentUrl, pending);
  const session = await signInByIdentity(ctx, options, identity, origin);
  return { ...session, returnTo: safeReturnTo(pending.returnTo) };
}

type LinkRule = 'verified_email' | 'preferred_username';

interface MappedUser {
  id: number;
  username: string;
  active: boolean;
  /** How a not-yet-linked user was matched; undefined when already linked. */
  linkBy?: LinkRule;
}

async function findLinkedUser(
  trx: Transaction<Database>,
  identity: SsoIdentity,
): Promise<MappedUser | undefined> {
  return trx
    .selectFrom('app_user')
    .select(['id', 'username', 'active'])
    .where('oidc_issuer', '=', identity.issuer)
    .where('oidc_subject', '=', identity.subject)
    .executeTakeFirst();
}

/**
 * The one user a first sign-in may be linked to. A verified e-mail must belong to exactly one user
 * (counting inactive and linked ones: a shared address is ambiguous, so nobody is linked), and
 * that user must be active and not linked yet. `preferred_username` is only trusted when the
 * administrator says the provider's user names are Rollbook's (most providers let people choose them).
 */
async function findLinkCandidate(
  trx: Transaction<Database>,
  options: SsoOptions,
  identity: SsoIdentity,
): Promise<MappedUser | undefined> {
  const unlinked = sql<boolean>`active and oidc_subject is null`.as('linkable');
  if (identity.emailVerified && identity.email) {
    const rows = await trx
      .selectFrom('app_user')
      .select(['id', 'username', 'active', unlinked])
      .where(sql<boolean>`lower(email) = lower(${identity.email})`)
      .limit(2)
      .execute();
    if (rows.length === 1 && rows[0]!.linkable) return { ...rows[0]!, linkBy: 'verified_email' };
  }
  if (options.matchUsername && identity.preferredUsername) {
    const row = await trx
      .selectFrom('app_user')
      .select(['id', 'username', 'active', unlinked])
      .where(sql<boolean>`lower(username) = lower(${identity.preferredUsername})`)
      .executeTakeFirst();
    if (row?.linkable) return { ...row, linkBy: 'preferred_username' };
  }
  return undefined;
}

/** Links the identity to the user; false when another sign-in linked the user first. */
async function linkIdentity(trx: Transaction<Database>, userId: number, identity: SsoIdentity) {
  const result = await trx
    .updateTable('app_user')
    .set({
      oidc_issuer: identity.issuer,
      oidc_subject: identity.subject,
      version: sql`version + 1`,
      updated_at: new Date(),
    })
    .where('id', '=', userId)
    .where('oidc_subject', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Signs in the user behind an identity, linking it first when the mapping rule allows. Users are
 * never created here: what a person may see is decided by an administrator's grants.
 */
export async function signInByIdentity(
  ctx: AppContext,
  options: SsoOptions,
  identity: SsoIdentity,
  origin: RequestOrigin,
): Promise<Omit<SsoSignedIn, 'returnTo'>> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const user = (await findLinkedUser(trx, identity)) ?? (await findLinkCandidate(trx, options, identity));
    if (!user) return null;
    if (!user.active) {
      // A deactivated person trying to get in is worth knowing about, as with a password sign-in;
      // the transaction commits the record and the caller then refuses.
      await recordAudit(
        trx,
        { userId: null, name: 'anonymous', grants: [], tokenPermissions: null, ...origin },
        {
          action: 'session.sign_in_failed',
          entity: { type: 'user', id: user.id },
          decision: { method: 'single_sign_on' },
        },
      );
      return null;
    }
    if (user.linkBy && !(await linkIdentity(trx, user.id, identity))) return null;
    const actor = await actorForUser({ ...ctx, db: trx }, user, origin);
    if (user.linkBy) {
      await recordAudit(trx, actor, {
        action: 'user.link_sso',
        entity: { type: 'user', id: user.id },
        decision: { rule: user.linkBy },
        before: { oidcIssuer: null, oidcSubject: null },
        after: { oidcIssuer: identity.issuer, oidcSubject: identity.subject },
      });
    }
    const session = await openSessionFor(ctx, trx, user.id, origin);
    await recordAudit(trx, actor, {
      action: 'session.sign_in',
      entity: { type: 'user', id: user.id },
      decision: { method: 'single_sign_on', issuer: identity.issuer },
    });
    return { userId: user.id, ...session };
  });
  // Unknown, deactivated and just-linked-elsewhere all get the same answer: it tells nothing more.
  if (!outcome) throw noUserFailure();
  return outcome;
}
