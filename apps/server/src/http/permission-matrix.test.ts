import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../context.js';
import type { DatabaseHandle } from '../db/engine.js';
import { actorForUser, createToken } from '../modules/access/identity.service.js';
import { createRole, createUserLocally } from '../modules/access/users.service.js';
import { appendEvent } from '../modules/audit/audit.repository.js';
import { Readable } from 'node:stream';
import { createImportTemplate } from '../modules/imports/import-templates.service.js';
import { uploadImport, validateImport } from '../modules/imports/imports.service.js';
import { createCampaign } from '../modules/members/cards.service.js';
import { memberVersion } from '../modules/members/members.repository.js';
import { createMember } from '../modules/members/members.service.js';
import { recordAudit } from '../modules/audit/audit.service.js';
import { createAndApplyOrder, createOrder } from '../modules/reorg/reorg.service.js';
import { signedInUser, type SignedInUser } from '../test/test-app.js';
import {
  applyOps,
  buildSmallTree,
  buildMember,
  buildUnit,
  createTestContext,
  TEST_OPERATOR,
  uniqueCode,
} from '../test/test-context.js';
import { type App, buildApp } from './app.js';

/**
 * The permission matrix: every API route × {anonymous, signed in without the permission, holding
 * the permission but over another subtree, allowed}. The route table comes from the server itself,
 * so a new endpoint without a row here fails the first test.
 */

let ctx: AppContext;
let handle: DatabaseHandle;
let app: App;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let provinceB: number;
let communeB: number;
/** A cell under the commune of province A until 2026-01-01, then under province B's commune. */
let mover: number;

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  app = await buildApp(ctx, { serveWeb: false });
  tree = await buildSmallTree(ctx);
  provinceB = await buildUnit(ctx, { kind: 'province', parentId: tree.central, name: 'Tỉnh B' });
  communeB = await buildUnit(ctx, { kind: 'commune', parentId: provinceB, name: 'Xã B' });
  mover = await buildUnit(ctx, { kind: 'grassroots_cell', parentId: tree.commune, name: 'Chi bộ chuyển đi' });
  await applyOps(ctx, '2026-01-01', [{ type: 'move', unitId: mover, parentId: communeB }]);
  await createRole(ctx, TEST_OPERATOR, { code: 'bystander', name: 'Bystander', permissions: [] });
});
afterAll(async () => {
  await app?.close();
  await handle?.close();
});

type Who = 'allowed' | 'outside';

interface Case {
  /** Builds a fresh request about something inside province A (writes consume what they touch). */
  make: (who: Who, user: SignedInUser) => Promise<InjectOptions>;
  /** The status the allowed user gets. */
  ok: number;
  /**
   * What a holder of the permission over province B gets: 404 for a record out of reach, 403 for
   * an organization-wide action, or a list that leaves the record out.
   */
  outside: 404 | 403 | { hides: (res: LightMyRequestResponse) => boolean };
  /** Who is allowed: an administrator over province A (default) or over the whole organization. */
  reach?: 'unit' | 'organization';
  /** `signed-in` routes concern the caller's own account: no permission, no unit. */
  own?: boolean;
}

const json = (res: LightMyRequestResponse) => res.json() as { items: Array<Record<string, unknown>> };

async function freshCell(): Promise<number> {
  return buildUnit(ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ thử' }, '2020-01-01');
}

async function draftRename(unitId = tree.cellA) {
  return createOrder(ctx, TEST_OPERATOR, {
    effectiveDate: '2026-06-01',
    operations: [{ type: 'rename', unitId, name: `Tên mới ${uniqueCode()}` }],
  });
}

async function userInA() {
  return createUserLocally(ctx, TEST_OPERATOR, {
    username: uniqueCode('a').toLowerCase(),
    displayName: 'Người trong tỉnh A',
    grants: [{ role: 'viewer', unitId: tree.committee, from: '2020-01-01' }],
    admin: false,
  });
}

async function tokenOf(userId: number, username: string) {
  const actor = await actorForUser(ctx, { id: userId, username }, { requestId: null, source: 'test' });
  return (await createToken(ctx, actor, { name: 'matrix', expiresInDays: 1 })).token.id;
}

async function eventAboutA(): Promise<number> {
  return ctx.db.transaction().execute((trx) =>
    recordAudit(trx, TEST_OPERATOR, {
      action: 'test.matrix',
      entity: { type: 'unit', id: tree.cellA },
      unitIds: [tree.cellA],
    }),
  );
}

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** A fresh official member of cell A (writes consume what they touch), with their current version. */
async function memberInA(): Promise<{ id: number; version: number }> {
  const id = await buildMember(ctx, {
    unitId: tree.cellA,
    fullName: `Trần Thị ${uniqueCode()}`,
    official: true,
  });
  return { id, version: (await memberVersion(ctx.db, id))! };
}

/** A members file about cell A, and an import of it for province A (validated when asked). */
async function importInA(validated = false): Promise<number> {
  const code = (
    await sql<{
      code: string;
    }>`select code from unit_version where unit_id = ${tree.cellA} and superseded_at is null`.execute(ctx.db)
  ).rows[0]!.code;
  const job = await uploadImport(ctx, TEST_OPERATOR, {
    entity: 'members',
    fileName: 'a.csv',
    unitId: tree.province,
    body: Readable.from([
      `Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh\nA ${uniqueCode()};${code};01/01/2020;05/01/2020;01/01/1990\n`,
    ]),
  });
  if (validated) await (await validateImport(ctx, TEST_OPERATOR, job.id, {})).done;
  return job.id;
}

async function campaignInA(): Promise<number> {
  const campaign = await createCampaign(ctx, TEST_OPERATOR, {
    name: `Đổi thẻ ${uniqueCode()}`,
    startsOn: '2026-01-01',
    unitId: tree.province,
  });
  return campaign.id;
}

const warning = { type: 'discipline', date: '2026-02-01', details: { form: 'warning' } };

const CASES: Record<string, Case> = {
  'GET /api/v1/members': {
    make: async () => ({ method: 'GET', url: `/api/v1/members?unit=${tree.commune}` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/members': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Lê Văn Mới', birthDate: '1995-01-01', sex: 'male' },
        event: { type: 'application', date: '2026-03-01', unitId: tree.cellA },
      },
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/members/:id': {
    make: async () => ({ method: 'GET', url: `/api/v1/members/${(await memberInA()).id}` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/members/:id/events': {
    make: async () => ({ method: 'GET', url: `/api/v1/members/${(await memberInA()).id}/events` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/members/:id/events': {
    make: async () => {
      const m = await memberInA();
      return {
        method: 'POST',
        url: `/api/v1/members/${m.id}/events`,
        headers: ifMatch(m.version),
        payload: warning,
      };
    },
    ok: 201,
    outside: 404,
  },
  'POST /api/v1/members/:id/events/check': {
    make: async () => ({
      method: 'POST',
      url: `/api/v1/members/${(await memberInA()).id}/events/check`,
      payload: warning,
    }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/members/:id/events/:eventId/correct': {
    make: async () => {
      const m = await memberInA();
      const events = await ctx.db
        .selectFrom('member_event')
        .select('id')
        .where('member_id', '=', m.id)
        .execute();
      return {
        method: 'POST',
        url: `/api/v1/members/${m.id}/events/${events[events.length - 1]!.id}/correct`,
        headers: ifMatch(m.version),
        payload: { reason: 'recorded twice' },
      };
    },
    ok: 200,
    outside: 404,
  },
  'PATCH /api/v1/members/:id/record': {
    make: async () => {
      const m = await memberInA();
      return {
        method: 'PATCH',
        url: `/api/v1/members/${m.id}/record`,
        headers: ifMatch(m.version),
        payload: { effectiveFrom: '2026-01-01', fields: { residence: 'Phường 3' } },
      };
    },
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/members/:id/record/history': {
    make: async () => ({ method: 'GET', url: `/api/v1/members/${(await memberInA()).id}/record/history` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/units/:id/member-figures': {
    make: async () => ({
      method: 'GET',
      url: `/api/v1/units/${tree.commune}/member-figures?from=2026-01-01&to=2026-06-30`,
    }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/members/:id/cards': {
    make: async () => ({ method: 'GET', url: `/api/v1/members/${(await memberInA()).id}/cards` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/members/:id/cards': {
    make: async () => {
      const m = await memberInA();
      return {
        method: 'POST',
        url: `/api/v1/members/${m.id}/cards`,
        headers: ifMatch(m.version),
        payload: { action: 'issue', date: '2026-01-05', number: uniqueCode('C') },
      };
    },
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/card-campaigns': {
    make: async () => ({ method: 'GET', url: '/api/v1/card-campaigns' }),
    ok: 200,
    outside: { hides: (res) => json(res).items.every((c) => c.unitId !== tree.province) },
  },
  'POST /api/v1/card-campaigns': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/card-campaigns',
      payload: { name: 'Đổi thẻ', startsOn: '2026-01-01', unitId: tree.province },
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/card-campaigns/:id/progress': {
    make: async () => ({ method: 'GET', url: `/api/v1/card-campaigns/${await campaignInA()}/progress` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/members/duplicates': {
    make: async () => ({ method: 'GET', url: `/api/v1/members/duplicates?unit=${tree.commune}` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/members/:id/merge': {
    make: async () => {
      const m = await memberInA();
      const applicant = await createMember(ctx, TEST_OPERATOR, {
        record: { fullName: 'Trần Thị Trùng', birthDate: '1990-05-15' },
        event: { type: 'application', date: '2019-01-02', unitId: tree.cellA },
      });
      return {
        method: 'POST',
        url: `/api/v1/members/${m.id}/merge`,
        headers: ifMatch(m.version),
        payload: {
          duplicateId: applicant.memberId,
          duplicateVersion: (await memberVersion(ctx.db, applicant.memberId))!,
          reason: 'the application was entered as another person',
        },
      };
    },
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/work-list': {
    make: async () => ({ method: 'GET', url: `/api/v1/work-list?unit=${tree.commune}` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/rule-pack': {
    make: async () => ({ method: 'GET', url: '/api/v1/rule-pack' }),
    ok: 200,
    outside: 403,
    own: true,
  },
  'GET /api/v1/units': {
    make: async () => ({ method: 'GET', url: `/api/v1/units?parentId=${tree.committee}` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/units': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/units',
      payload: {
        code: uniqueCode(),
        name: 'Chi bộ mới',
        kind: 'cell',
        parentId: tree.committee,
        effectiveDate: '2026-02-01',
      },
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/units/:id': {
    make: async () => ({ method: 'GET', url: `/api/v1/units/${tree.cellA}` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/units/:id/history': {
    make: async () => ({ method: 'GET', url: `/api/v1/units/${tree.cellA}/history` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/units/:id/lineage': {
    make: async () => ({ method: 'GET', url: `/api/v1/units/${tree.cellA}/lineage` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/units/:id/figures': {
    make: async () => ({ method: 'GET', url: `/api/v1/units/${tree.commune}/figures` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/units/:id/figures/change': {
    make: async () => ({
      method: 'GET',
      url: `/api/v1/units/${tree.commune}/figures/change?from=2020-01-01`,
    }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/orders': {
    make: async () => ({ method: 'GET', url: '/api/v1/orders?limit=500' }),
    ok: 200,
    outside: {
      hides: (res) => {
        const ids = json(res).items.map((o) => o.id);
        return ids.length === 0 || ids.every((id) => typeof id === 'number' && !ordersInA.has(id));
      },
    },
  },
  'POST /api/v1/orders': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/orders',
      payload: {
        effectiveDate: '2026-06-01',
        operations: [{ type: 'rename', unitId: tree.cellA, name: 'Tên khác' }],
      },
    }),
    ok: 201,
    outside: 404,
  },
  'POST /api/v1/orders/preview': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/orders/preview',
      payload: {
        effectiveDate: '2026-06-01',
        operations: [{ type: 'rename', unitId: tree.cellA, name: 'Tên khác' }],
      },
    }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/orders/:id': {
    make: async () => ({ method: 'GET', url: `/api/v1/orders/${(await draftRename()).id}` }),
    ok: 200,
    outside: 404,
  },
  'PATCH /api/v1/orders/:id': {
    make: async () => {
      const order = await draftRename();
      return {
        method: 'PATCH',
        url: `/api/v1/orders/${order.id}`,
        headers: ifMatch(order.version),
        payload: { title: 'Sửa' },
      };
    },
    ok: 200,
    outside: 404,
  },
  'DELETE /api/v1/orders/:id': {
    make: async () => {
      const order = await draftRename();
      return { method: 'DELETE', url: `/api/v1/orders/${order.id}`, headers: ifMatch(order.version) };
    },
    ok: 204,
    outside: 404,
  },
  'POST /api/v1/orders/:id/preview': {
    make: async () => ({ method: 'POST', url: `/api/v1/orders/${(await draftRename()).id}/preview` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/orders/:id/apply': {
    make: async () => {
      const order = await draftRename(await freshCell());
      return { method: 'POST', url: `/api/v1/orders/${order.id}/apply`, headers: ifMatch(order.version) };
    },
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/orders/:id/reversal': {
    make: async () => {
      const applied = await createAndApplyOrder(ctx, TEST_OPERATOR, {
        effectiveDate: '2026-06-01',
        operations: [{ type: 'rename', unitId: await freshCell(), name: 'Đổi tên' }],
      });
      return { method: 'POST', url: `/api/v1/orders/${applied.id}/reversal`, payload: {} };
    },
    ok: 201,
    outside: 404,
  },
  'POST /api/v1/demo': {
    // Allowed through, then refused by the rule: the database is not empty.
    make: async () => ({ method: 'POST', url: '/api/v1/demo' }),
    ok: 409,
    outside: 403,
    reach: 'organization',
  },
  'GET /api/v1/session': {
    make: async () => ({ method: 'GET', url: '/api/v1/session' }),
    ok: 200,
    outside: 403,
    own: true,
  },
  'DELETE /api/v1/session': {
    make: async () => ({ method: 'DELETE', url: '/api/v1/session' }),
    ok: 204,
    outside: 403,
    own: true,
  },
  'DELETE /api/v1/sessions': {
    make: async () => ({ method: 'DELETE', url: '/api/v1/sessions' }),
    ok: 204,
    outside: 403,
    own: true,
  },
  'POST /api/v1/session/password': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/session/password',
      payload: { currentPassword: PASSWORD, newPassword: 'a different long password' },
    }),
    ok: 204,
    outside: 403,
    own: true,
  },
  'GET /api/v1/tokens': {
    make: async () => ({ method: 'GET', url: '/api/v1/tokens' }),
    ok: 200,
    outside: 403,
    own: true,
  },
  'POST /api/v1/tokens': {
    make: async () => ({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'script' } }),
    ok: 201,
    outside: 403,
    own: true,
  },
  'DELETE /api/v1/tokens/:tokenId': {
    // Someone else's token answers like a missing one.
    make: async (who, user) => {
      const owner = who === 'allowed' ? { id: user.userId, username: user.username } : await userInA();
      return { method: 'DELETE', url: `/api/v1/tokens/${await tokenOf(owner.id, owner.username)}` };
    },
    ok: 204,
    outside: 404,
    own: true,
  },
  'GET /api/v1/users': {
    make: async () => ({ method: 'GET', url: '/api/v1/users?limit=500' }),
    ok: 200,
    outside: { hides: (res) => json(res).items.every((u) => !usersInA.has(u.id as number)) },
  },
  'POST /api/v1/users': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: uniqueCode('n').toLowerCase(),
        displayName: 'Người mới',
        grants: [{ role: 'viewer', unitId: tree.committee }],
      },
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/users/:id': {
    make: async () => ({ method: 'GET', url: `/api/v1/users/${(await userInA()).id}` }),
    ok: 200,
    outside: 404,
  },
  'PATCH /api/v1/users/:id': {
    make: async () => {
      const user = await userInA();
      return {
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: ifMatch(user.version),
        payload: { displayName: 'Đổi' },
      };
    },
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/users/:id/password': {
    make: async () => ({
      method: 'POST',
      url: `/api/v1/users/${(await userInA()).id}/password`,
      payload: { password: 'a brand new password' },
    }),
    ok: 204,
    outside: 404,
  },
  'DELETE /api/v1/users/:id/sessions': {
    make: async () => ({ method: 'DELETE', url: `/api/v1/users/${(await userInA()).id}/sessions` }),
    ok: 204,
    outside: 404,
  },
  'DELETE /api/v1/users/:id/sso': {
    make: async () => {
      const linked = await userInA();
      await ctx.db
        .updateTable('app_user')
        .set({ oidc_issuer: 'https://id.example.org', oidc_subject: uniqueCode('sub') })
        .where('id', '=', linked.id)
        .execute();
      return { method: 'DELETE', url: `/api/v1/users/${linked.id}/sso` };
    },
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/users/:id/grants': {
    make: async () => ({
      method: 'POST',
      url: `/api/v1/users/${(await userInA()).id}/grants`,
      payload: { role: 'records_officer', unitId: tree.cellA },
    }),
    ok: 201,
    outside: 404,
  },
  'DELETE /api/v1/users/:id/grants/:grantId': {
    make: async () => {
      const user = await userInA();
      const [grant] = await ctx.db
        .selectFrom('role_grant')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      return { method: 'DELETE', url: `/api/v1/users/${user.id}/grants/${grant!.id}` };
    },
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/users/:id/tokens': {
    make: async () => ({ method: 'GET', url: `/api/v1/users/${(await userInA()).id}/tokens` }),
    ok: 200,
    outside: 404,
  },
  'DELETE /api/v1/users/:id/tokens/:tokenId': {
    make: async () => {
      const user = await userInA();
      return {
        method: 'DELETE',
        url: `/api/v1/users/${user.id}/tokens/${await tokenOf(user.id, user.username)}`,
      };
    },
    ok: 204,
    outside: 404,
  },
  'GET /api/v1/roles': {
    make: async () => ({ method: 'GET', url: '/api/v1/roles' }),
    ok: 200,
    outside: 403,
    own: true,
  },
  'POST /api/v1/roles': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/roles',
      payload: {
        code: `r_${uniqueCode()
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '_')}`,
        name: 'Vai trò',
        permissions: ['units.read'],
      },
    }),
    ok: 201,
    outside: 403,
    reach: 'organization',
  },
  'PATCH /api/v1/roles/:id': {
    make: async () => {
      const role = await newRole();
      return {
        method: 'PATCH',
        url: `/api/v1/roles/${role.id}`,
        headers: ifMatch(role.version),
        payload: { name: 'Đổi tên' },
      };
    },
    ok: 200,
    outside: 403,
    reach: 'organization',
  },
  'DELETE /api/v1/roles/:id': {
    make: async () => {
      const role = await newRole();
      return { method: 'DELETE', url: `/api/v1/roles/${role.id}`, headers: ifMatch(role.version) };
    },
    ok: 204,
    outside: 403,
    reach: 'organization',
  },
  'POST /api/v1/imports': {
    make: async () => ({
      method: 'POST',
      url: `/api/v1/imports?entity=members&fileName=a.csv&unitId=${tree.province}`,
      headers: { 'content-type': 'text/csv' },
      payload: 'Họ và tên;Chi bộ;Ngày vào Đảng\nA;X;01/01/2020\n',
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/imports': {
    make: async () => {
      await importInA();
      return { method: 'GET', url: '/api/v1/imports?limit=200' };
    },
    ok: 200,
    outside: { hides: (res) => json(res).items.every((j) => j.unitId !== tree.province) },
  },
  'GET /api/v1/imports/:id': {
    make: async () => ({ method: 'GET', url: `/api/v1/imports/${await importInA()}` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/imports/:id/validate': {
    make: async () => ({ method: 'POST', url: `/api/v1/imports/${await importInA()}/validate`, payload: {} }),
    ok: 202,
    outside: 404,
  },
  'POST /api/v1/imports/:id/commit': {
    make: async () => ({ method: 'POST', url: `/api/v1/imports/${await importInA(true)}/commit` }),
    ok: 202,
    outside: 404,
  },
  'POST /api/v1/imports/:id/cancel': {
    make: async () => ({ method: 'POST', url: `/api/v1/imports/${await importInA()}/cancel` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/imports/:id/problems': {
    make: async () => ({ method: 'GET', url: `/api/v1/imports/${await importInA(true)}/problems` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/imports/:id/problems.csv': {
    make: async () => ({ method: 'GET', url: `/api/v1/imports/${await importInA(true)}/problems.csv` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/imports/:id/problems.xlsx': {
    make: async () => ({ method: 'GET', url: `/api/v1/imports/${await importInA(true)}/problems.xlsx` }),
    ok: 200,
    outside: 404,
  },
  'POST /api/v1/imports/:id/template': {
    make: async () => ({
      method: 'POST',
      url: `/api/v1/imports/${await importInA()}/template`,
      payload: { templateId: (await templateInA()).id },
    }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/imports/templates': {
    make: async () => {
      await templateInA();
      return { method: 'GET', url: '/api/v1/imports/templates' };
    },
    ok: 200,
    outside: { hides: (res) => json(res).items.every((x) => x.unitId !== tree.province) },
  },
  'POST /api/v1/imports/templates': {
    make: async () => ({
      method: 'POST',
      url: '/api/v1/imports/templates',
      payload: {
        entity: 'members',
        name: `Mẫu ${uniqueCode()}`,
        mapping: { fullName: 'Họ và tên' },
        unitId: tree.province,
      },
    }),
    ok: 201,
    outside: 404,
  },
  'GET /api/v1/imports/templates/:templateId': {
    make: async () => ({ method: 'GET', url: `/api/v1/imports/templates/${(await templateInA()).id}` }),
    ok: 200,
    outside: 404,
  },
  'PATCH /api/v1/imports/templates/:templateId': {
    make: async () => {
      const template = await templateInA();
      return {
        method: 'PATCH',
        url: `/api/v1/imports/templates/${template.id}`,
        headers: ifMatch(template.version),
        payload: { name: `Mẫu đổi ${uniqueCode()}` },
      };
    },
    ok: 200,
    outside: 404,
  },
  'DELETE /api/v1/imports/templates/:templateId': {
    make: async () => {
      const template = await templateInA();
      return {
        method: 'DELETE',
        url: `/api/v1/imports/templates/${template.id}`,
        headers: ifMatch(template.version),
      };
    },
    ok: 204,
    outside: 404,
  },
  'GET /api/v1/exports/members/columns': {
    // The column names only: nothing of any unit.
    make: async () => ({ method: 'GET', url: '/api/v1/exports/members/columns' }),
    ok: 200,
    outside: { hides: () => true },
  },
  'GET /api/v1/exports/members': {
    make: async () => {
      await memberInA();
      return { method: 'GET', url: `/api/v1/exports/members?unitId=${tree.province}` };
    },
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/exports/units/columns': {
    make: async () => ({ method: 'GET', url: '/api/v1/exports/units/columns' }),
    ok: 200,
    outside: { hides: () => true },
  },
  'GET /api/v1/exports/units': {
    make: async () => ({ method: 'GET', url: `/api/v1/exports/units?unitId=${tree.province}` }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/exports/events/columns': {
    make: async () => ({ method: 'GET', url: '/api/v1/exports/events/columns' }),
    ok: 200,
    outside: { hides: () => true },
  },
  'GET /api/v1/exports/events': {
    make: async () => {
      await memberInA();
      return {
        method: 'GET',
        url: `/api/v1/exports/events?unitId=${tree.province}&from=2020-01-01&to=2026-12-31`,
      };
    },
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/exports/figures': {
    make: async () => ({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.commune}&from=2026-01-01&to=2026-06-30`,
    }),
    ok: 200,
    outside: 404,
  },
  'GET /api/v1/audit': {
    make: async () => ({ method: 'GET', url: '/api/v1/audit?limit=500&action=test.matrix' }),
    ok: 200,
    outside: { hides: (res) => json(res).items.length === 0 },
  },
  'GET /api/v1/audit/export.csv': {
    make: async () => ({ method: 'GET', url: '/api/v1/audit/export.csv?action=test.matrix' }),
    ok: 200,
    outside: { hides: (res) => !res.body.includes('test.matrix') },
  },
  'GET /api/v1/audit/verify': {
    make: async () => ({ method: 'GET', url: '/api/v1/audit/verify' }),
    ok: 200,
    outside: 403,
    reach: 'organization',
  },
  'GET /api/v1/audit/:seq': {
    make: async () => ({ method: 'GET', url: `/api/v1/audit/${await eventAboutA()}` }),
    ok: 200,
    outside: 404,
  },
};

/** Routes anyone may call: the sign-in and first-run doors, health, and single sign-on. */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/session',
  'GET /api/v1/sso/login',
  'GET /api/v1/sso/callback',
]);

const PASSWORD = 'matrix password 1';
const ordersInA = new Set<number>();
const usersInA = new Set<number>();

/** A saved column mapping of province A. */
async function templateInA() {
  return createImportTemplate(ctx, TEST_OPERATOR, {
    entity: 'members',
    name: `Mẫu ${uniqueCode()}`,
    mapping: { fullName: 'Họ và tên' },
    unitId: tree.province,
  });
}

async function newRole() {
  return createRole(ctx, TEST_OPERATOR, {
    code: `r_${uniqueCode()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '_')}`,
    name: 'Vai trò',
    permissions: ['units.read'],
  });
}

async function user(role: string, unitId: number | null) {
  return signedInUser(ctx, [{ role, unitId, from: '2020-01-01' }], { password: PASSWORD });
}

async function send(request: InjectOptions, as?: SignedInUser) {
  return app.inject({ ...request, headers: { ...(request.headers ?? {}), ...(as?.headers ?? {}) } });
}

describe('permission matrix', () => {
  it('has a row for every route the server registers', () => {
    const routes = app.accessTable.map((r) => `${r.method} ${r.url}`);
    const missing = routes.filter((r) => !(r in CASES) && !PUBLIC.has(r));
    expect(missing).toEqual([]);
    for (const route of app.accessTable) {
      const key = `${route.method} ${route.url}`;
      if (PUBLIC.has(key)) expect(route.access).toBe('public');
      else expect(route.access).not.toBe('public');
    }
  });

  for (const [route, c] of Object.entries(CASES)) {
    it(route, async () => {
      const allowed = await user('administrator', c.reach === 'organization' ? null : tree.province);
      const request = await c.make('allowed', allowed);

      const anonymous = await send(request);
      expect(anonymous.statusCode, 'anonymous').toBe(401);
      expect(anonymous.json().code).toBe('unauthenticated');

      if (!c.own) {
        const bystander = await user('bystander', tree.province);
        const denied = await send(await c.make('outside', bystander), bystander);
        expect(denied.statusCode, 'in scope without the permission').toBe(403);
        expect(denied.json().code).toBe('forbidden');

        // Remember what lives in province A, so list answers can be checked for leaks.
        // Orders that name or touched only units of province A (none of B, the centre, or the mover).
        const notA = [tree.central, provinceB, communeB, mover];
        const orders = await sql<{ id: number }>`
          select o.id from reorg_order o
          where not (rb_order_unit_ids(o.operations) || array(select unit_id from reorg_order_unit where order_id = o.id))
            && ${notA}::bigint[]`.execute(ctx.db);
        for (const o of orders.rows) ordersInA.add(o.id);
        for (const u of await ctx.db
          .selectFrom('role_grant')
          .select('user_id')
          .where('unit_id', '=', tree.committee)
          .execute())
          usersInA.add(u.user_id);

        const outsider = await user('administrator', provinceB);
        const outside = await send(await c.make('outside', outsider), outsider);
        if (typeof c.outside === 'number') {
          expect(outside.statusCode, 'out of scope').toBe(c.outside);
        } else {
          expect(outside.statusCode, 'out of scope').toBe(200);
          expect(c.outside.hides(outside), 'out-of-scope records left out').toBe(true);
        }
      } else if (c.outside === 404) {
        const other = await user('viewer', tree.province);
        const outside = await send(await c.make('outside', other), other);
        expect(outside.statusCode, "someone else's").toBe(404);
      }

      const done = await send(await c.make('allowed', allowed), allowed);
      expect(done.statusCode, `allowed: ${done.body.slice(0, 300)}`).toBe(c.ok);
    });
  }
});

describe('scope on the day asked', () => {
  const READS = ['', '/history', '/lineage', '/figures'];

  it('shows a unit moved out of the subtree for the days it was inside, and not after', async () => {
    const a = await user('viewer', tree.province);
    const b = await user('viewer', provinceB);
    for (const path of READS) {
      const at = (asOf: string, who: SignedInUser) =>
        send({ method: 'GET', url: `/api/v1/units/${mover}${path}?asOf=${asOf}` }, who).then(
          (r) => r.statusCode,
        );
      expect(await at('2025-06-01', a), `A last year ${path}`).toBe(200);
      expect(await at('2026-06-01', a), `A this year ${path}`).toBe(404);
      expect(await at('2025-06-01', b), `B last year ${path}`).toBe(404);
      expect(await at('2026-06-01', b), `B this year ${path}`).toBe(200);
    }
  });

  it('counts the moved unit in figures, lists and searches only where it stood that day', async () => {
    const a = await user('viewer', tree.province);
    const figures = async (asOf: string) =>
      (await send({ method: 'GET', url: `/api/v1/units/${tree.commune}/figures?asOf=${asOf}` }, a)).json();
    const kinds = (f: { byKind: Array<{ kind: string; count: number }> }) =>
      f.byKind.find((k) => k.kind === 'grassroots_cell')?.count ?? 0;
    expect(kinds(await figures('2025-06-01')) - kinds(await figures('2026-06-01'))).toBe(1);

    const search = async (asOf: string, who: SignedInUser) =>
      (
        await send(
          { method: 'GET', url: `/api/v1/units?q=${encodeURIComponent('chuyen di')}&asOf=${asOf}` },
          who,
        )
      )
        .json()
        .items.map((u: { id: number }) => u.id);
    expect(await search('2025-06-01', a)).toContain(mover);
    expect(await search('2026-06-01', a)).not.toContain(mover);

    // The top of a scoped reader's tree is their own unit, not the organization's top.
    const top = await send({ method: 'GET', url: '/api/v1/units?parentId=root' }, a);
    expect(top.json().items.map((u: { id: number }) => u.id)).toEqual([tree.province]);
    const detail = await send({ method: 'GET', url: `/api/v1/units/${tree.cellA}` }, a);
    expect(detail.json().ancestors.map((x: { id: number }) => x.id)).toEqual([
      tree.province,
      tree.commune,
      tree.committee,
    ]);
  });
});

describe('what a moved unit shows to the subtree it left', () => {
  it('shows the unit as it stood while inside, and audit events by where the unit stood that day', async () => {
    await createAndApplyOrder(ctx, TEST_OPERATOR, {
      effectiveDate: '2026-03-01',
      operations: [{ type: 'rename', unitId: mover, name: 'Chi bộ ở tỉnh B' }],
    });
    const a = await user('administrator', tree.province);
    const b = await user('administrator', provinceB);
    const then = (await send({ method: 'GET', url: `/api/v1/units/${mover}?asOf=2025-06-01` }, a)).json();
    expect(then.unit.name).toBe('Chi bộ chuyển đi');
    expect(then.lastKnown.name).toBe('Chi bộ chuyển đi');
    const history = (
      await send({ method: 'GET', url: `/api/v1/units/${mover}/history?asOf=2025-06-01` }, a)
    ).json();
    expect(history.versions.map((v: { name: string }) => v.name)).toEqual(['Chi bộ chuyển đi']);
    expect(history.end).toBeNull();

    // Two events about the unit, recorded on either side of the move.
    for (const at of ['2025-06-01T08:00:00.000Z', '2026-06-01T08:00:00.000Z']) {
      const body = JSON.stringify({
        v: 1,
        at,
        actor: { id: null, name: 'test' },
        requestId: null,
        source: 'test',
        action: 'test.moved',
        entity: { type: 'unit', id: String(mover) },
        unitIds: [mover],
        decision: null,
        changes: null,
      });
      await ctx.db.transaction().execute((trx) => appendEvent(trx, body));
    }
    const seen = async (who: SignedInUser) =>
      (await send({ method: 'GET', url: '/api/v1/audit?action=test.moved' }, who))
        .json()
        .items.map((e: { at: string }) => e.at.slice(0, 4));
    expect(await seen(a)).toEqual(['2025']);
    expect(await seen(b)).toEqual(['2026']);
  });
});
