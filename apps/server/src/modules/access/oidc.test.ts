import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error -- oidc-provider ships no type declarations; the little used here is typed below.
import OidcProvider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import { buildApp, type App } from '../../http/app.js';
import { createTestContext, TEST_OPERATOR, uniqueCode } from '../../test/test-context.js';
import {
  CALLBACK_PATH,
  openPendingLogin,
  PENDING_COOKIE,
  safeReturnTo,
  sealPendingLogin,
  signInByIdentity,
  type SsoIdentity,
  ssoOptions,
} from './oidc.service.js';
import { createUserLocally } from './users.service.js';

type ProviderConstructor = new (
  issuer: string,
  configuration: Record<string, unknown>,
) => { callback(): http.RequestListener };
const Provider = OidcProvider as ProviderConstructor;

/** What the provider says about a person: its accounts are keyed by the login typed on its page. */
interface AccountClaims {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
}

const CLIENT_ID = 'rollbook';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const accounts = new Map<string, AccountClaims>();

let ctx: AppContext;
let handle: DatabaseHandle;
let app: App;
let providerServer: http.Server;
let rollbook: string;
let issuer: string;

/** Starts a server on a random loopback port and returns its address. */
async function listenOnLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A real OpenID provider: code flow only, PKCE required, a confidential client, its own keys. */
async function startProvider(redirectUri: string): Promise<{ server: http.Server; issuer: string }> {
  let listener: http.RequestListener = (_request, response) => response.end();
  const server = http.createServer((request, response) => listener(request, response));
  const address = await listenOnLoopback(server);
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(address, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username'],
    },
    findAccount: (_ctx: unknown, id: string) => {
      const claims = accounts.get(id);
      return claims && { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // Lifetimes in seconds; set so the provider does not warn that its defaults are in use.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256' }] },
    features: { devInteractions: { enabled: true } },
  });
  listener = provider.callback();
  return { server, issuer: address };
}

/**
 * A browser, as far as these pages need one: cookies per host and path, no script. Redirects are
 * followed by hand so each step can be looked at.
 */
class Browser {
  private readonly cookies = new Map<string, Map<string, { value: string; path: string }>>();

  cookie(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name)?.value;
  }

  setCookie(url: string, name: string, value: string, path = '/') {
    const host = new URL(url).host;
    if (!this.cookies.has(host)) this.cookies.set(host, new Map());
    this.cookies.get(host)!.set(name, { value, path });
  }

  private cookieHeader(url: URL): string {
    const jar = this.cookies.get(url.host) ?? new Map();
    return [...jar]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private keep(url: URL, response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const expires = attribute('expires');
      const gone = attribute('max-age') === '0' || (expires && new Date(expires) < new Date()) || !value;
      const host = url.host;
      if (gone) this.cookies.get(host)?.delete(name);
      else this.setCookie(url.href, name, value, attribute('path') ?? '/');
    }
  }

  async request(
    address: string,
    init: { method?: string; form?: Record<string, string>; accept?: string } = {},
  ): Promise<Response> {
    const url = new URL(address);
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        accept: init.accept ?? 'text/html,application/xhtml+xml',
        cookie: this.cookieHeader(url),
        ...(init.form && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: init.form && new URLSearchParams(init.form).toString(),
    });
    this.keep(url, response);
    return response;
  }
}

function locationOf(response: Response, base: string): string {
  const location = response.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location, base).href;
}

const decode = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&quot;', '"');

/** Fills in and submits the provider's login or consent page, as a person would. */
async function submitProviderPage(browser: Browser, page: Response, login: string): Promise<Response> {
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the provider's page:\n${html.slice(0, 500)}`);
  const form: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form[name!] = decode(value!);
  }
  if (form.prompt === 'login') Object.assign(form, { login, password: 'any password' });
  return browser.request(decode(action), { method: 'POST', form });
}

/**
 * Clicks "sign in with single sign-on", signs in at the provider as `login` and stops at the
 * provider's redirect back to Rollbook, returning the callback address (not yet visited).
 */
async function authorize(browser: Browser, login: string, returnTo?: string): Promise<string> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  let response = await browser.request(`${rollbook}/api/v1/sso/login${query}`);
  let address = `${rollbook}/api/v1/sso/login`;
  for (let step = 0; step < 12; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      address = locationOf(response, address);
      if (address.startsWith(`${rollbook}${CALLBACK_PATH}`)) return address;
      response = await browser.request(address);
    } else if (response.status === 200) {
      response = await submitProviderPage(browser, response, login);
    } else {
      throw new Error(`unexpected ${response.status} at ${address}: ${await response.text()}`);
    }
  }
  throw new Error('the provider never sent the browser back');
}

/** The whole sign-in: authorize, then let Rollbook's callback answer. */
async function signInAs(login: string, returnTo?: string) {
  const browser = new Browser();
  const callback = await authorize(browser, login, returnTo);
  const response = await browser.request(callback);
  return { browser, callback, response, location: response.headers.get('location') };
}

async function newUser(fields: { email?: string | null; active?: boolean } = {}) {
  const username = uniqueCode('sso').toLowerCase();
  const user = await createUserLocally(ctx, TEST_OPERATOR, {
    username,
    displayName: username,
    email: fields.email ?? null,
    grants: [{ role: 'administrator', unitId: null }],
    admin: false,
  });
  if (fields.active === false) {
    await ctx.db.updateTable('app_user').set({ active: false }).where('id', '=', user.id).execute();
  }
  return user;
}

async function linkOf(userId: number) {
  return ctx.db
    .selectFrom('app_user')
    .select(['oidc_issuer', 'oidc_subject'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

async function auditActions(userId: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('audit_event')
    .select('action')
    .where('entity_type', '=', 'user')
    .where('entity_id', '=', String(userId))
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.action!);
}

/** An identity at the provider no Rollbook user has: its sub is fresh for every test. */
function freshAccount(claims: AccountClaims): string {
  const login = `person-${randomBytes(6).toString('hex')}`;
  accounts.set(login, claims);
  return login;
}

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  app = await buildApp(ctx, { serveWeb: false });
  rollbook = await app.listen({ host: '127.0.0.1', port: 0 });
  const started = await startProvider(`${rollbook}${CALLBACK_PATH}`);
  providerServer = started.server;
  issuer = started.issuer;
  ctx.config.oidc = {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicUrl: rollbook,
    label: 'Test provider',
    matchUsername: false,
  };
});

afterAll(async () => {
  await app?.close();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => providerServer?.close(resolve));
  await handle?.close();
});

describe('single sign-on against a real OpenID provider', () => {
  it('sends the browser to the provider with PKCE (S256), state and nonce, and a sealed pending cookie', async () => {
    const browser = new Browser();
    const response = await browser.request(`${rollbook}/api/v1/sso/login`);
    expect(response.status).toBe(302);
    const to = new URL(locationOf(response, rollbook));
    expect(to.origin).toBe(issuer);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${rollbook}${CALLBACK_PATH}`,
      code_challenge_method: 'S256',
    });
    for (const name of ['code_challenge', 'state', 'nonce']) expect(to.searchParams.get(name)).toBeTruthy();
    const set = response.headers.getSetCookie().find((c) => c.startsWith(`${PENDING_COOKIE}=`))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    // The verifier travels sealed: neither it nor the state can be read off the cookie.
    const sealed = browser.cookie(rollbook, PENDING_COOKIE)!;
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(to.searchParams.get('state'));
  });

  it('signs in a user already linked to the identity; the cookie then opens GET /session', async () => {
    const user = await newUser();
    const login = freshAccount({ email: 'someone-else@example.org', email_verified: true });
    await ctx.db
      .updateTable('app_user')
      .set({ oidc_issuer: issuer, oidc_subject: login })
      .where('id', '=', user.id)
      .execute();

    const { browser, response, location } = await signInAs(login, '/units?asOf=2020-01-01');
    expect(response.status).toBe(302);
    expect(location).toBe('/units?asOf=2020-01-01');
    expect(browser.cookie(rollbook, PENDING_COOKIE)).toBeUndefined();

    const session = await browser.request(`${rollbook}/api/v1/session`, { accept: 'application/json' });
    expect(session.status).toBe(200);
    const body = (await session.json()) as { user: { id: number; username: string }; csrfToken: string };
    expect(body.user).toMatchObject({ id: user.id, username: user.username });
    expect(body.csrfToken).toBeTruthy();
    expect(await auditActions(user.id)).toEqual(['user.create', 'session.sign_in']);
  });

  it('links a first sign-in by a verified e-mail (ignoring case) and records the link', async () => {
    const email = `${uniqueCode('ada')}@Example.org`;
    const user = await newUser({ email });
    const login = freshAccount({ email: email.toUpperCase(), email_verified: true });

    const { browser, location } = await signInAs(login);
    expect(location).toBe('/');
    expect(await linkOf(user.id)).toEqual({ oidc_issuer: issuer, oidc_subject: login });
    expect(await auditActions(user.id)).toEqual(['user.create', 'user.link_sso', 'session.sign_in']);
    const session = await browser.request(`${rollbook}/api/v1/session`, { accept: 'application/json' });
    expect(((await session.json()) as { user: { id: number } }).user.id).toBe(user.id);

    // Linked now: the subject decides from here on, whatever the address becomes.
    accounts.set(login, { email: 'changed@example.org', email_verified: false });
    expect((await signInAs(login)).location).toBe('/');
    expect(await auditActions(user.id)).toEqual([
      'user.create',
      'user.link_sso',
      'session.sign_in',
      'session.sign_in',
    ]);
  });

  it('refuses an unknown identity: browsers land on the sign-in page, scripts get the problem', async () => {
    const email = `${uniqueCode('bob')}@example.org`;
    const user = await newUser({ email });
    // The address matches, but the provider does not vouch for it.
    const login = freshAccount({ email, email_verified: false });

    const page = await signInAs(login);
    expect(page.response.status).toBe(302);
    expect(page.location).toBe('/sign-in?error=single_sign_on_failed&reason=sso_no_user');
    expect(page.browser.cookie(rollbook, 'rollbook_session')).toBeUndefined();

    const browser = new Browser();
    const callback = await authorize(browser, login);
    const script = await browser.request(callback, { accept: 'application/json' });
    expect(script.status).toBe(401);
    expect(await script.json()).toMatchObject({
      code: 'single_sign_on_failed',
      params: { reason: 'reason:sso_no_user' },
    });
    expect(await linkOf(user.id)).toEqual({ oidc_issuer: null, oidc_subject: null });
  });

  it('refuses a tampered pending cookie, a state from another login, and a replayed callback', async () => {
    const user = await newUser();
    const login = freshAccount({});
    await ctx.db
      .updateTable('app_user')
      .set({ oidc_issuer: issuer, oidc_subject: login })
      .where('id', '=', user.id)
      .execute();
    const refused = async (browser: Browser, callback: string) => {
      const response = await browser.request(callback, { accept: 'application/json' });
      expect(response.status).toBe(401);
      return ((await response.json()) as { params: { reason: string } }).params.reason;
    };

    // A flipped byte in the sealed cookie: AES-GCM's tag no longer matches.
    const tampered = new Browser();
    const first = await authorize(tampered, login);
    const sealed = Buffer.from(tampered.cookie(rollbook, PENDING_COOKIE)!, 'base64url');
    sealed[20]! ^= 1;
    tampered.setCookie(rollbook, PENDING_COOKIE, sealed.toString('base64url'), '/api/v1/sso');
    expect(await refused(tampered, first)).toBe('reason:sso_state');

    // The state in the address altered.
    const altered = new Browser();
    const second = new URL(await authorize(altered, login));
    second.searchParams.set('state', `${second.searchParams.get('state')}x`);
    expect(await refused(altered, second.href)).toBe('reason:sso_state');

    // A callback for a login this browser did not start (another browser's, or an attacker's).
    const victim = new Browser();
    await authorize(victim, login);
    const attacker = new Browser();
    const planted = await authorize(attacker, login);
    expect(await refused(victim, planted)).toBe('reason:sso_state');

    // Replayed: once with the cookie the browser dropped, once with a copy of it kept aside.
    const honest = new Browser();
    const callback = await authorize(honest, login);
    const copy = honest.cookie(rollbook, PENDING_COOKIE)!;
    expect((await honest.request(callback)).headers.get('location')).toBe('/');
    expect(await refused(honest, callback)).toBe('reason:sso_state');
    honest.setCookie(rollbook, PENDING_COOKIE, copy, '/api/v1/sso');
    // The provider redeems a code once.
    expect(await refused(honest, callback)).toBe('reason:sso_provider');
    expect((await auditActions(user.id)).filter((a) => a === 'session.sign_in')).toHaveLength(1);
  });

  it('ignores a returnTo that leads to another site', async () => {
    const user = await newUser();
    const login = freshAccount({});
    await ctx.db
      .updateTable('app_user')
      .set({ oidc_issuer: issuer, oidc_subject: login })
      .where('id', '=', user.id)
      .execute();
    for (const returnTo of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'evil']) {
      expect((await signInAs(login, returnTo)).location).toBe('/');
    }
  });

  it('answers 409 when single sign-on is off, and sso_provider when the provider cannot be reached', async () => {
    const configured = ctx.config.oidc!;
    try {
      ctx.config.oidc = undefined;
      const off = await fetch(`${rollbook}/api/v1/sso/login`, { redirect: 'manual' });
      expect(off.status).toBe(409);
      expect(await off.json()).toMatchObject({ code: 'single_sign_on_not_configured' });
      const page = await new Browser().request(`${rollbook}/api/v1/sso/login`);
      expect(page.headers.get('location')).toBe('/sign-in?error=single_sign_on_not_configured');

      const closed = http.createServer();
      const nowhere = await listenOnLoopback(closed);
      await new Promise((resolve) => closed.close(resolve));
      ctx.config.oidc = { ...configured, issuer: nowhere };
      const down = await fetch(`${rollbook}/api/v1/sso/login`, { redirect: 'manual' });
      expect(down.status).toBe(401);
      expect(await down.json()).toMatchObject({ params: { reason: 'reason:sso_provider' } });
    } finally {
      ctx.config.oidc = configured;
    }
  });
});

describe('mapping an identity to a user', () => {
  const origin = { requestId: null, source: 'test' };
  const identity = (claims: Partial<SsoIdentity>): SsoIdentity => ({
    issuer: 'https://idp.example',
    subject: randomBytes(8).toString('hex'),
    email: null,
    emailVerified: false,
    preferredUsername: null,
    ...claims,
  });
  const trusting = { ...ssoOptions(loadConfig({})), matchUsername: true };
  const cautious = { ...ssoOptions(loadConfig({})), matchUsername: false };

  it('matches preferred_username only when the provider is trusted for user names', async () => {
    const user = await newUser();
    const who = identity({ preferredUsername: user.username.toUpperCase() });
    await expect(signInByIdentity(ctx, cautious, who, origin)).rejects.toMatchObject({
      code: 'single_sign_on_failed',
    });
    const signedIn = await signInByIdentity(ctx, trusting, who, origin);
    expect(signedIn.userId).toBe(user.id);
    expect(await linkOf(user.id)).toEqual({ oidc_issuer: who.issuer, oidc_subject: who.subject });
  });

  it('links nobody when a verified address is shared, or its holder is deactivated or linked', async () => {
    const shared = `${uniqueCode('twin')}@example.org`;
    await newUser({ email: shared });
    await newUser({ email: shared });
    const inactive = `${uniqueCode('gone')}@example.org`;
    await newUser({ email: inactive, active: false });
    const taken = `${uniqueCode('taken')}@example.org`;
    const holder = await newUser({ email: taken });
    await signInByIdentity(ctx, cautious, identity({ email: taken, emailVerified: true }), origin);
    for (const email of [shared, inactive, taken]) {
      await expect(
        signInByIdentity(ctx, cautious, identity({ email, emailVerified: true }), origin),
      ).rejects.toMatchObject({ code: 'single_sign_on_failed', params: { reason: 'reason:sso_no_user' } });
    }
    expect((await auditActions(holder.id)).filter((a) => a === 'user.link_sso')).toHaveLength(1);
  });

  it('refuses a linked user once deactivated, and records the refusal', async () => {
    const who = identity({});
    const user = await newUser({ active: false });
    await ctx.db
      .updateTable('app_user')
      .set({ oidc_issuer: who.issuer, oidc_subject: who.subject })
      .where('id', '=', user.id)
      .execute();
    await expect(signInByIdentity(ctx, trusting, who, origin)).rejects.toMatchObject({
      params: { reason: 'reason:sso_no_user' },
    });
    expect(await auditActions(user.id)).toEqual(['user.create', 'session.sign_in_failed']);
  });
});

describe('the pending login and returnTo', () => {
  it('keeps only same-origin paths that start with a single slash', () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, '/'],
      ['/units/5?asOf=2020-01-01#top', '/units/5?asOf=2020-01-01#top'],
      ['/a/../b', '/b'],
      ['https://evil.example/', '/'],
      ['//evil.example', '/'],
      ['/\\evil.example', '/'],
      ['/\t/evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['units', '/'],
    ];
    for (const [given, kept] of cases) expect(safeReturnTo(given), String(given)).toBe(kept);
  });

  it('opens only what it sealed, under the same key, before it expires', () => {
    const key = ssoOptions(loadConfig({ ROLLBOOK_SESSION_SECRET: 'x'.repeat(40) })).key;
    const other = ssoOptions(loadConfig({ ROLLBOOK_SESSION_SECRET: 'y'.repeat(40) })).key;
    const pending = {
      state: 's',
      nonce: 'n',
      codeVerifier: 'v',
      returnTo: '/',
      expiresAt: Date.now() + 60_000,
    };
    const sealed = sealPendingLogin(key, pending);
    expect(openPendingLogin(key, sealed)).toEqual(pending);
    // The same secret on another server process gives the same key: logins survive a restart.
    expect(
      openPendingLogin(ssoOptions(loadConfig({ ROLLBOOK_SESSION_SECRET: 'x'.repeat(40) })).key, sealed),
    ).toEqual(pending);
    for (const attempt of [
      () => openPendingLogin(other, sealed),
      () => openPendingLogin(key, sealed, pending.expiresAt + 1),
      () => openPendingLogin(key, undefined),
      () => openPendingLogin(key, 'not-sealed'),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ params: { reason: 'reason:sso_state' } }));
    }
    expect(() => loadConfig({ ROLLBOOK_SESSION_SECRET: 'short' })).toThrow(/at least 32/);
  });
});
