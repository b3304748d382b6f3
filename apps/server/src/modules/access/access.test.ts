import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../http/app.js';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import { signedInUser } from '../../test/test-app.js';
import {
  applyOps,
  buildSmallTree,
  createTestContext,
  TEST_OPERATOR,
  uniqueCode,
} from '../../test/test-context.js';
import { previewOrder } from '../reorg/reorg.service.js';
import { createRole, createUserLocally } from './users.service.js';

let ctx: AppContext;
let handle: DatabaseHandle;
let app: App;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  ctx.config.lockoutThreshold = 3;
  ctx.config.signInRatePerMinute = 1000;
  app = await buildApp(ctx, { serveWeb: false });
  tree = await buildSmallTree(ctx);
});
afterAll(async () => {
  await app?.close();
  await handle?.close();
});

const PASSWORD = 'correct horse battery';

function cookieOf(res: { cookies: Array<{ name: string; value: string }> }) {
  const c = res.cookies.find((x) => x.name === 'rollbook_session');
  return c ? `rollbook_session=${c.value}` : '';
}

async function signIn(username: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
}

describe('first-run setup', () => {
  it('creates the first administrator only while no user exists', async () => {
    const fresh = await createTestContext();
    const freshApp = await buildApp(fresh.ctx, { serveWeb: false });
    try {
      expect((await freshApp.inject({ method: 'GET', url: '/api/v1/setup' })).json().needed).toBe(true);
      const weak = await freshApp.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'admin', displayName: 'Admin', password: 'short' },
        headers: { 'accept-language': 'vi' },
      });
      expect(weak.statusCode).toBe(400);
      expect(weak.json()).toMatchObject({ code: 'weak_password', field: 'password' });
      expect(weak.json().detail).toContain('ít nhất 10 ký tự');
      const made = await freshApp.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'admin', displayName: 'Admin', password: PASSWORD },
      });
      expect(made.statusCode).toBe(201);
      expect(made.json().permissions).toContain('users.manage');
      expect(made.json().grants[0]).toMatchObject({ role: 'administrator', unitId: null, active: true });
      const again = await freshApp.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'second', displayName: 'Second', password: PASSWORD },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('setup_already_done');
      expect((await freshApp.inject({ method: 'GET', url: '/api/v1/setup' })).json().needed).toBe(false);
    } finally {
      await freshApp.close();
      await fresh.handle.close();
    }
  });
});

describe('sign-in and sessions', () => {
  let username: string;
  beforeAll(async () => {
    username = uniqueCode('clerk').toLowerCase();
    await createUserLocally(ctx, TEST_OPERATOR, {
      username,
      displayName: 'Cán bộ văn phòng',
      password: PASSWORD,
      grants: [{ role: 'records_officer', unitId: tree.commune }],
      admin: false,
    });
  });

  it('signs in with an HttpOnly SameSite cookie and answers who is signed in', async () => {
    const res = await signIn(username);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'rollbook_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: { cookie: cookieOf(res) },
    });
    expect(me.json().user.username).toBe(username);
    expect(me.json().grants.map((g: { unitId: number }) => g.unitId)).toEqual([tree.commune]);
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
    expect(JSON.stringify(me.json())).not.toContain('password');
  });

  it('answers every failure alike and locks the account after repeated failures', async () => {
    const unknown = await signIn('nobody-here', 'whatever password');
    const wrong = await signIn(username, 'wrong password!!');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().code).toBe('sign_in_failed');
    await signIn(username, 'wrong password!!');
    await signIn(username, 'wrong password!!'); // third failure in a row: locked
    const locked = await signIn(username);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());
    // An administrator's password reset lifts the lock.
    const admin = await signedInUser(ctx, [{ role: 'administrator', unitId: null }]);
    const user = (
      await app.inject({ method: 'GET', url: `/api/v1/users?q=${username}`, headers: admin.headers })
    ).json().items[0];
    const reset = await app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      headers: admin.headers,
      payload: { password: PASSWORD },
    });
    expect(reset.statusCode).toBe(204);
    expect((await signIn(username)).statusCode).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF token, changing nothing', async () => {
    const res = await signIn(username);
    const cookie = cookieOf(res);
    const payload = {
      effectiveDate: '2026-01-01',
      operations: [{ type: 'rename', unitId: tree.cellA, name: 'X' }],
    };
    const before = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } });
    const refused = await app.inject({ method: 'POST', url: '/api/v1/orders', headers: { cookie }, payload });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('csrf_token_invalid');
    const wrongToken = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { cookie, 'x-csrf-token': 'not-the-token' },
      payload,
    });
    expect(wrongToken.statusCode).toBe(403);
    const after = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } });
    expect(after.json().items).toEqual(before.json().items);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
      payload,
    });
    expect(ok.statusCode).toBe(201);
  });

  it('signs out one browser, or every browser at once', async () => {
    const a = await signIn(username);
    const b = await signIn(username);
    const headersA = { cookie: cookieOf(a), 'x-csrf-token': a.json().csrfToken };
    const headersB = { cookie: cookieOf(b) };
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: headersA })).statusCode,
    ).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers: headersA })).statusCode).toBe(
      401,
    );
    expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers: headersB })).statusCode).toBe(
      200,
    );
    const c = await signIn(username);
    await app.inject({
      method: 'DELETE',
      url: '/api/v1/sessions',
      headers: { cookie: cookieOf(c), 'x-csrf-token': c.json().csrfToken },
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers: headersB })).statusCode).toBe(
      401,
    );
  });

  it('changes a password only with the current one', async () => {
    const res = await signIn(username);
    const headers = { cookie: cookieOf(res), 'x-csrf-token': res.json().csrfToken };
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/session/password',
      headers,
      payload: { currentPassword: 'not it at all', newPassword: 'another long password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'current_password_wrong', field: 'currentPassword' });
    const done = await app.inject({
      method: 'POST',
      url: '/api/v1/session/password',
      headers,
      payload: { currentPassword: PASSWORD, newPassword: 'another long password' },
    });
    expect(done.statusCode).toBe(204);
    expect((await signIn(username)).statusCode).toBe(401);
    expect((await signIn(username, 'another long password')).statusCode).toBe(200);
    // This session survives; the user's other sessions ended.
    expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers })).statusCode).toBe(200);
  });

  it('limits sign-in attempts per address', async () => {
    const limited = await createTestContext();
    limited.ctx.config.signInRatePerMinute = 2;
    const limitedApp = await buildApp(limited.ctx, { serveWeb: false });
    try {
      const attempt = () =>
        limitedApp.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { username: 'x1', password: 'y' },
        });
      await attempt();
      await attempt();
      const third = await attempt();
      expect(third.statusCode).toBe(429);
      expect(third.json().code).toBe('too_many_requests');
    } finally {
      await limitedApp.close();
      await limited.handle.close();
    }
  });
});

describe('grants, roles and their effect on the next request', () => {
  it('takes a revoked grant away on the next request, and deactivation ends every session', async () => {
    const admin = await signedInUser(ctx, [{ role: 'administrator', unitId: null }]);
    const viewer = await signedInUser(ctx, [{ role: 'viewer', unitId: tree.commune, from: '2020-01-01' }]);
    const url = `/api/v1/units/${tree.committee}`;
    expect((await app.inject({ method: 'GET', url, headers: viewer.headers })).statusCode).toBe(200);
    const user = (
      await app.inject({ method: 'GET', url: `/api/v1/users/${viewer.userId}`, headers: admin.headers })
    ).json();
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${viewer.userId}/grants/${user.grants[0].id}`,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().grants[0]).toMatchObject({ active: false, validTo: ctx.today() });
    expect((await app.inject({ method: 'GET', url, headers: viewer.headers })).statusCode).toBe(403);

    const granted = await app.inject({
      method: 'POST',
      url: `/api/v1/users/${viewer.userId}/grants`,
      headers: admin.headers,
      payload: { role: 'viewer', unitId: tree.committee },
    });
    expect(granted.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url, headers: viewer.headers })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/units/${tree.gCell}`, headers: viewer.headers }))
        .statusCode,
    ).toBe(404);

    const current = await app.inject({
      method: 'GET',
      url: `/api/v1/users/${viewer.userId}`,
      headers: admin.headers,
    });
    const stale = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${viewer.userId}`,
      headers: { ...admin.headers, 'if-match': '"999"' },
      payload: { active: false },
    });
    expect(stale.statusCode).toBe(412);
    const off = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${viewer.userId}`,
      headers: { ...admin.headers, 'if-match': current.headers.etag as string },
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url, headers: viewer.headers })).statusCode).toBe(401);
  });

  it('lets a manager hand out no more than they hold, and only inside their subtree', async () => {
    // A commune's personnel officer: records work plus managing the commune's users.
    await createRole(ctx, TEST_OPERATOR, {
      code: 'commune_personnel',
      name: 'Commune personnel officer',
      permissions: [
        'units.read',
        'orders.read',
        'orders.write',
        'members.read',
        'members.write',
        'users.manage',
      ],
    });
    const manager = await signedInUser(ctx, [{ role: 'commune_personnel', unitId: tree.commune }]);
    const create = (grants: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: manager.headers,
        payload: { username: uniqueCode('u').toLowerCase(), displayName: 'Người mới', grants },
      });
    const ok = await create([{ role: 'records_officer', unitId: tree.committee }]);
    expect(ok.statusCode).toBe(201);
    const above = await create([{ role: 'viewer', unitId: tree.province }]);
    expect(above.statusCode).toBe(404);
    expect(above.json()).toMatchObject({ code: 'unit_not_found', field: 'grants.0.unitId' });
    const inspector = await create([{ role: 'inspector', unitId: tree.committee }]);
    expect(inspector.statusCode).toBe(403);
    expect(inspector.json().params.permission).toBe('members.sensitive');
    const everywhere = await create([{ role: 'viewer', unitId: null }]);
    expect(everywhere.statusCode).toBe(403);
    expect(everywhere.json().params.permission).toBe('users.manage');
    // A unit manager cannot define roles (organization-wide), nor see users outside the subtree.
    const role = await app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: manager.headers,
      payload: { code: 'district_clerk', name: 'District clerk', permissions: ['units.read'] },
    });
    expect(role.statusCode).toBe(403);
    const outsider = await signedInUser(ctx, [{ role: 'viewer', unitId: tree.gCell }]);
    const outsiderManager = await signedInUser(ctx, [{ role: 'administrator', unitId: tree.committee }]);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/users/${outsider.userId}`,
          headers: outsiderManager.headers,
        })
      ).statusCode,
    ).toBe(404);
    const listed = await app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=500',
      headers: outsiderManager.headers,
    });
    expect(listed.json().items.map((u: { id: number }) => u.id)).not.toContain(outsider.userId);
  });

  it('refuses to remove the last organization-wide administrator', async () => {
    const fresh = await createTestContext();
    const freshApp = await buildApp(fresh.ctx, { serveWeb: false });
    try {
      const made = await freshApp.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'only', displayName: 'Only admin', password: PASSWORD },
      });
      const headers = { cookie: cookieOf(made), 'x-csrf-token': made.json().csrfToken };
      const me = made.json();
      const res = await freshApp.inject({
        method: 'DELETE',
        url: `/api/v1/users/${me.user.id}/grants/${me.grants[0].id}`,
        headers,
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('last_administrator');
    } finally {
      await freshApp.close();
      await fresh.handle.close();
    }
  });

  it('defines roles as data; a changed role applies on the holders’ next request', async () => {
    const admin = await signedInUser(ctx, [{ role: 'administrator', unitId: null }]);
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: admin.headers,
      payload: {
        code: uniqueCode('r')
          .toLowerCase()
          .replace(/[^a-z0-9_]/g, '_'),
        name: 'Đọc sơ đồ',
        permissions: ['units.read'],
      },
    });
    expect(made.statusCode).toBe(201);
    const holder = await signedInUser(ctx, [{ role: made.json().code, unitId: tree.commune }]);
    const url = `/api/v1/units/${tree.commune}/figures`;
    expect((await app.inject({ method: 'GET', url, headers: holder.headers })).statusCode).toBe(200);
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/roles/${made.json().id}`,
      headers: { ...admin.headers, 'if-match': `"${made.json().version}"` },
      payload: { permissions: ['orders.read'] },
    });
    expect(changed.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url, headers: holder.headers })).statusCode).toBe(403);
    const inUse = await app.inject({
      method: 'DELETE',
      url: `/api/v1/roles/${made.json().id}`,
      headers: { ...admin.headers, 'if-match': `"${changed.json().version}"` },
    });
    expect(inUse.json().code).toBe('role_in_use');
    const builtin = (await app.inject({ method: 'GET', url: '/api/v1/roles', headers: admin.headers }))
      .json()
      .items.find((r: { code: string }) => r.code === 'viewer');
    const refused = await app.inject({
      method: 'PATCH',
      url: `/api/v1/roles/${builtin.id}`,
      headers: { ...admin.headers, 'if-match': `"${builtin.version}"` },
      payload: { permissions: [] },
    });
    expect(refused.json().code).toBe('builtin_role');
  });
});

describe('API tokens', () => {
  it('works as a bearer token, narrowed to its permissions, until revoked or expired', async () => {
    const user = await signedInUser(ctx, [{ role: 'records_officer', unitId: tree.commune }]);
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: user.headers,
      payload: { name: 'báo cáo hằng đêm', permissions: ['units.read'], expiresInDays: 30 },
    });
    expect(made.statusCode).toBe(201);
    const bearer = { authorization: `Bearer ${made.json().secret}` };
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/units/${tree.commune}`, headers: bearer })).statusCode,
    ).toBe(200);
    // No CSRF token is needed (no cookie), but the token does not carry orders.write.
    const write = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: bearer,
      payload: { effectiveDate: '2026-01-01', operations: [] },
    });
    expect(write.statusCode).toBe(403);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: user.headers });
    expect(JSON.stringify(listed.json())).not.toContain(made.json().secret.slice(4));
    await ctx.db
      .updateTable('api_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', made.json().token.id)
      .execute();
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/units/${tree.commune}`, headers: bearer })).statusCode,
    ).toBe(401);
    const second = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: user.headers,
      payload: { name: 'b' },
    });
    const bearer2 = { authorization: `Bearer ${second.json().secret}` };
    await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${second.json().token.id}`,
      headers: user.headers,
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers: bearer2 })).statusCode).toBe(
      401,
    );
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/session',
          headers: { authorization: 'Bearer rbk_forged' },
        })
      ).statusCode,
    ).toBe(401);
  });
});

describe('scope follows the tree on the day asked', () => {
  it('moves a grant’s reach with a moved unit, and ends grants on a unit that ends', async () => {
    const other = await applyOps(ctx, '2000-01-01', [
      { type: 'create', code: uniqueCode('P'), name: 'Tỉnh khác', kind: 'province', parentId: tree.central },
    ]);
    const otherCommune = (
      await applyOps(ctx, '2000-01-01', [
        { type: 'create', code: uniqueCode('C'), name: 'Xã khác', kind: 'commune', parentId: other[0]! },
      ])
    )[0]!;
    const provinceViewer = await signedInUser(ctx, [{ role: 'viewer', unitId: tree.province }]);
    const communeOfficer = await signedInUser(ctx, [
      { role: 'records_officer', unitId: otherCommune, from: '2020-01-01' },
    ]);
    // The commune moves to the other province on 2026-01-01.
    await applyOps(ctx, '2026-01-01', [{ type: 'move', unitId: tree.commune, parentId: other[0]! }]);
    const read = (unit: number, asOf: string) =>
      app.inject({
        method: 'GET',
        url: `/api/v1/units/${unit}?asOf=${asOf}`,
        headers: provinceViewer.headers,
      });
    expect((await read(tree.cellA, '2025-06-01')).statusCode).toBe(200);
    expect((await read(tree.cellA, '2026-06-01')).statusCode).toBe(404);

    // A merger ends the commune the officer holds a grant on; the preview lists the grant first.
    const preview = await previewOrder(ctx, TEST_OPERATOR, {
      effectiveDate: '2026-03-01',
      operations: [{ type: 'merge', unitIds: [otherCommune, tree.commune], into: { unitId: tree.commune } }],
    });
    expect(preview.violations).toEqual([]);
    expect(preview.endingGrants).toEqual([
      expect.objectContaining({
        userId: communeOfficer.userId,
        unitId: otherCommune,
        role: 'records_officer',
      }),
    ]);
    await applyOps(ctx, '2026-03-01', [
      { type: 'merge', unitIds: [otherCommune, tree.commune], into: { unitId: tree.commune } },
    ]);
    const me = await app.inject({ method: 'GET', url: '/api/v1/session', headers: communeOfficer.headers });
    expect(me.json().grants[0]).toMatchObject({ validTo: '2026-03-01', active: false });
    expect(me.json().grants[0].endedByOrderId).toEqual(expect.any(Number));
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/units/${tree.commune}`,
          headers: communeOfficer.headers,
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('no way around the scope (review findings)', () => {
  it('does not let a unit manager act on a user who holds more than the manager can grant', async () => {
    const manager = await signedInUser(ctx, [{ role: 'administrator', unitId: tree.commune }]);
    const strong = await signedInUser(ctx, [
      { role: 'administrator', unitId: null },
      { role: 'viewer', unitId: tree.cellA },
    ]);
    const seen = await app.inject({
      method: 'GET',
      url: `/api/v1/users/${strong.userId}`,
      headers: manager.headers,
    });
    expect(seen.statusCode).toBe(200);
    // The organization-wide grant is not shown to a unit manager.
    expect(seen.json().grants.map((g: { unitId: number | null }) => g.unitId)).toEqual([tree.cellA]);
    const reset = await app.inject({
      method: 'POST',
      url: `/api/v1/users/${strong.userId}/password`,
      headers: manager.headers,
      payload: { password: 'taken over password' },
    });
    expect(reset.statusCode).toBe(403);
    const email = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${strong.userId}`,
      headers: { ...manager.headers, 'if-match': seen.headers.etag as string },
      payload: { email: 'attacker@example.org' },
    });
    expect(email.statusCode).toBe(403);
    const sessions = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${strong.userId}/sessions`,
      headers: manager.headers,
    });
    expect(sessions.statusCode).toBe(403);
  });

  it('does not let an API token manage credentials', async () => {
    const user = await signedInUser(ctx, [{ role: 'records_officer', unitId: tree.commune }]);
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: user.headers,
      payload: { name: 'narrow', permissions: ['units.read'] },
    });
    const bearer = { authorization: `Bearer ${made.json().secret}` };
    const mint = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer,
      payload: { name: 'wide' },
    });
    expect(mint.statusCode).toBe(403);
    expect(mint.json().code).toBe('session_required');
    const everywhere = await app.inject({ method: 'DELETE', url: '/api/v1/sessions', headers: bearer });
    expect(everywhere.json().code).toBe('session_required');
  });

  it('does not let a role manager write a role above themselves', async () => {
    await createRole(ctx, TEST_OPERATOR, {
      code: 'role_keeper',
      name: 'Role keeper',
      permissions: ['roles.manage', 'units.read'],
    });
    const keeper = await signedInUser(ctx, [{ role: 'role_keeper', unitId: null }]);
    const roles = (await app.inject({ method: 'GET', url: '/api/v1/roles', headers: keeper.headers })).json()
      .items;
    const own = roles.find((r: { code: string }) => r.code === 'role_keeper');
    const raised = await app.inject({
      method: 'PATCH',
      url: `/api/v1/roles/${own.id}`,
      headers: { ...keeper.headers, 'if-match': `"${own.version}"` },
      payload: { permissions: ['roles.manage', 'units.read', 'users.manage'] },
    });
    expect(raised.statusCode).toBe(403);
    expect(raised.json().params.permission).toBe('users.manage');
  });

  it('keeps orders, previews and as-of reads inside the scope', async () => {
    const officer = await signedInUser(ctx, [
      { role: 'committee', unitId: tree.committee, from: '2020-01-01' },
    ]);
    // Renaming their own unit: the preview's figures are the unit's, not its parent's.
    const preview = await app.inject({
      method: 'POST',
      url: '/api/v1/orders/preview',
      headers: officer.headers,
      payload: {
        effectiveDate: '2026-06-01',
        operations: [{ type: 'rename', unitId: tree.committee, name: 'Đảng bộ mới' }],
      },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().figures.unitId).toBe(tree.committee);
    // Dissolving their own unit changes the parent's subtree, which is out of reach.
    const dissolve = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: officer.headers,
      payload: { effectiveDate: '2026-06-01', operations: [{ type: 'dissolve', unitId: tree.committee }] },
    });
    expect(dissolve.statusCode).toBe(404);
    // A draft of theirs cannot be rewritten to reach outside.
    const draft = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: officer.headers,
      payload: {
        effectiveDate: '2026-06-01',
        operations: [{ type: 'rename', unitId: tree.cellB, name: 'Chi bộ B' }],
      },
    });
    expect(draft.statusCode).toBe(201);
    const widened = await app.inject({
      method: 'PATCH',
      url: `/api/v1/orders/${draft.json().id}`,
      headers: { ...officer.headers, 'if-match': draft.headers.etag as string },
      payload: { operations: [{ type: 'rename', unitId: tree.gCell, name: 'Ngoài tầm' }] },
    });
    expect(widened.statusCode).toBe(404);
    // An order list filtered by a unit out of reach answers like a missing unit.
    const listed = await app.inject({
      method: 'GET',
      url: `/api/v1/orders?unitId=${tree.gCell}`,
      headers: officer.headers,
    });
    expect(listed.statusCode).toBe(404);
  });
});

describe('lockout under parallel guessing', () => {
  it('lets no more guesses through than the threshold, even all at once', async () => {
    const username = uniqueCode('target').toLowerCase();
    await createUserLocally(ctx, TEST_OPERATOR, {
      username,
      displayName: 'Target',
      password: PASSWORD,
      grants: [{ role: 'viewer', unitId: tree.cellA }],
      admin: false,
    });
    // Ten guesses at once, the right password among the last: the threshold is 3.
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signIn(username, i === 9 ? PASSWORD : `wrong guess ${i}!`)),
    );
    expect(guesses.every((g) => g.statusCode === 401)).toBe(true);
    const row = await ctx.db
      .selectFrom('app_user')
      .select('locked_until')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    expect(row.locked_until).not.toBeNull();
    expect((await signIn(username)).statusCode).toBe(401);
  });
});
