import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit, uniqueCode } from '../../test/test-context.js';
import { EVERYWHERE } from '../access/actor.js';
import { countStockDirectly, stockFromRollupOf } from '../members/members.figures.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
});
afterAll(() => t?.close());

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

describe('orders over HTTP', () => {
  it('drafts, previews, applies with If-Match, and refuses a stale or missing If-Match', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/orders',
      ...json({
        effectiveDate: '2024-09-01',
        title: 'Merge the teachers’ cells',
        decision: { number: '125-QĐ/ĐU', date: '2024-08-10', issuedBy: 'Đảng ủy xã' },
        operations: [
          {
            type: 'merge',
            unitIds: [tree.cellA, tree.cellB],
            into: { parentId: tree.committee, code: uniqueCode(), name: 'Chi bộ Giáo viên', kind: 'cell' },
          },
        ],
      }),
    });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    expect(created.headers.etag).toBe(`"${order.version}"`);
    expect(order.state).toBe('draft');

    const preview = await t.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/preview` });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().figures.before.total).toBe(2);
    expect(preview.json().figures.after.total).toBe(1);

    const renamed = await t.inject({
      method: 'PATCH',
      url: `/api/v1/orders/${order.id}`,
      headers: { 'content-type': 'application/json', 'if-match': created.headers.etag as string },
      payload: JSON.stringify({ title: 'Merge of the two teachers’ cells' }),
    });
    expect(renamed.statusCode).toBe(200);

    const missing = await t.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/apply` });
    expect(missing.statusCode).toBe(428);
    const stale = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/apply`,
      headers: { 'if-match': created.headers.etag as string },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('version_conflict');

    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/apply`,
      headers: { 'if-match': renamed.headers.etag as string },
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: 'applied', state: 'in-effect' });

    const edit = await t.inject({
      method: 'PATCH',
      url: `/api/v1/orders/${order.id}`,
      headers: { 'content-type': 'application/json', 'if-match': applied.headers.etag as string },
      payload: JSON.stringify({ title: 'x' }),
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('order_not_draft');

    const reversal = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/reversal`,
      headers: { 'content-type': 'application/json', 'accept-language': 'vi' },
      payload: '{}',
    });
    expect(reversal.statusCode).toBe(201);
    expect(reversal.json().reversesOrderId).toBe(order.id);
    expect(reversal.json().title).toBe(
      `Đảo ngược quyết định #${order.id} (Merge of the two teachers’ cells)`,
    );
  });

  it('answers a broken rule with a localized problem naming the field, and writes nothing', async () => {
    const body = {
      effectiveDate: '2024-01-01',
      operations: [{ type: 'create', parentId: tree.gCell, code: uniqueCode(), name: 'X', kind: 'cell' }],
    };
    const created = await t.inject({ method: 'POST', url: '/api/v1/orders', ...json(body) });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.json().id}/apply`,
      headers: { 'if-match': created.headers.etag as string, 'accept-language': 'vi' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ code: 'wrong_parent_kind', field: 'operations.0.kind' });
    expect(problem.detail).toContain('không thể trực thuộc');
    expect(problem.detail).toContain('chi bộ cơ sở');
    const still = await t.inject({ method: 'GET', url: `/api/v1/orders/${created.json().id}` });
    expect(still.json().status).toBe('draft');
  });

  it('keeps JSON values as sent: null stays null, numbers stay numbers', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/orders',
      ...json({
        effectiveDate: '2024-03-01',
        decision: { number: null, issuedBy: null },
        operations: [
          {
            type: 'create',
            parentId: tree.commune,
            code: uniqueCode(),
            name: 'Chi bộ Khóm 3',
            kind: 'grassroots_cell',
            attributes: { households: 3, rural: false },
          },
        ],
      }),
    });
    expect(created.json().decision).toMatchObject({ number: null, issuedBy: null });
    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.json().id}/apply`,
      headers: { 'if-match': created.headers.etag as string },
    });
    const unitId = applied.json().createdUnitIds['0'][0];
    const unit = await t.inject({ method: 'GET', url: `/api/v1/units/${unitId}?asOf=2024-03-01` });
    expect(unit.json().unit.attributes).toEqual({ households: 3, rural: false });
  });

  it('pages through orders with a cursor', async () => {
    const first = await t.inject({ method: 'GET', url: '/api/v1/orders?limit=2' });
    expect(first.json().items).toHaveLength(2);
    const next = await t.inject({
      method: 'GET',
      url: `/api/v1/orders?limit=2&cursor=${first.json().nextCursor}`,
    });
    expect(next.json().items[0].id).toBeLessThan(first.json().items[1].id);
  });

  it.each([
    [
      'a malformed date',
      { effectiveDate: '2024-02-30', operations: [] },
      400,
      'invalid_date',
      'effectiveDate',
    ],
    [
      'an unknown operation',
      { effectiveDate: '2024-01-01', operations: [{ type: 'teleport', unitId: 1 }] },
      400,
      'validation_failed',
      'operations.0',
    ],
    ['a missing field', { operations: [] }, 400, 'validation_failed', 'effectiveDate'],
    [
      'a unit not chosen',
      { effectiveDate: '2024-01-01', operations: [{ type: 'dissolve', unitId: 0 }] },
      400,
      'validation_failed',
      'operations.0.unitId',
    ],
  ])('refuses %s', async (_name, body, status, code, field) => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/orders', ...json(body) });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
  });

  it.each([
    ['a cycle', (x: typeof tree) => [{ type: 'move', unitId: x.province, parentId: x.cellA }], 'cycle'],
    [
      'a wrong parent kind',
      (x: typeof tree) => [{ type: 'move', unitId: x.cellA, parentId: x.province }],
      'wrong_parent_kind',
    ],
    [
      'an unknown kind',
      (x: typeof tree) => [
        { type: 'create', parentId: x.commune, code: uniqueCode(), name: 'N', kind: 'club' },
      ],
      'unknown_kind',
    ],
    [
      'a unit not live on the date',
      (x: typeof tree) => [{ type: 'rename', unitId: x.cellA, name: 'Early' }],
      'unit_not_live',
      '1990-01-01',
    ],
    ['a unit that does not exist', () => [{ type: 'dissolve', unitId: 999999 }], 'unit_not_found'],
    [
      'a merge of one unit',
      (x: typeof tree) => [{ type: 'merge', unitIds: [x.cellA], into: { unitId: x.cellA } }],
      'merge_needs_two',
    ],
    [
      'a split leaving a child behind',
      (x: typeof tree) => [
        {
          type: 'split',
          unitId: x.committee,
          parts: [
            { code: uniqueCode(), name: 'A', kind: 'grassroots_committee', childIds: [x.cellA] },
            { code: uniqueCode(), name: 'B', kind: 'grassroots_committee' },
          ],
        },
      ],
      'split_allocation',
    ],
  ])('previews %s as a broken rule', async (_name, ops, code, date = '2024-01-01') => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/orders/preview',
      ...json({ effectiveDate: date, operations: ops(tree) }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().violations.map((v: { code: string }) => v.code)).toContain(code);
    expect(res.json().violations[0].message).toBeTruthy();
  });

  it('asks to choose a unit when a form sends none, in the language asked', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/orders/preview',
      headers: { 'content-type': 'application/json', 'accept-language': 'vi' },
      payload: JSON.stringify({
        effectiveDate: '2024-01-01',
        operations: [{ type: 'move', unitId: 0, parentId: tree.commune }],
      }),
    });
    expect(res.json().detail).toContain('hãy chọn một tổ chức');
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/orders/987654' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('order_not_found');
  });

  it('answers a merger before its new unit’s member roll-ups are built, and builds them', async () => {
    const threshold = t.ctx.config.rollupMinMembers;
    // This register is small: a threshold it passes, for this test only.
    t.ctx.config.rollupMinMembers = 3;
    try {
      const cells = [
        await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Văn' }),
        await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Toán' }),
      ];
      for (const unitId of [...cells, ...cells]) await buildMember(t.ctx, { unitId, admitted: '2015-03-02' });
      const created = await t.inject({
        method: 'POST',
        url: '/api/v1/orders',
        ...json({
          effectiveDate: '2026-11-01',
          title: 'Merge the literature and mathematics cells',
          operations: [
            {
              type: 'merge',
              unitIds: cells,
              into: { parentId: tree.committee, code: uniqueCode(), name: 'Chi bộ Văn Toán', kind: 'cell' },
            },
          ],
        }),
      });
      expect(created.statusCode).toBe(201);
      const applied = await t.inject({
        method: 'POST',
        url: `/api/v1/orders/${created.json().id}/apply`,
        headers: { 'if-match': created.headers.etag as string },
      });
      expect(applied.statusCode).toBe(200);
      const merged = applied.json().createdUnitIds['0'][0] as number;
      const kept = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from member_rollup_unit where unit_id = ${merged}`.execute(t.ctx.db)
        ).rows[0]!.n;
      for (let i = 0; i < 200 && (await kept()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await kept()).toBe(1);
      // And they count what counting counts.
      for (const day of ['2026-11-01', '2026-11-25'] as const)
        expect(await stockFromRollupOf(t.ctx.db, merged, day), day).toEqual(
          await countStockDirectly(t.ctx.db, merged, day, EVERYWHERE, true),
        );
    } finally {
      t.ctx.config.rollupMinMembers = threshold;
    }
  });
});
