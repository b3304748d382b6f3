import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestMigration } from '../../db/migrate.js';
import { createTestApp } from '../../test/test-app.js';
import { buildSmallTree, uniqueCode } from '../../test/test-context.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
});
afterAll(() => t?.close());

describe('units over HTTP', () => {
  it('lists the top units and the children of a unit as of a date', async () => {
    const roots = await t.inject({ method: 'GET', url: '/api/v1/units?parentId=root' });
    expect(roots.json().items.map((u: { id: number }) => u.id)).toContain(tree.central);
    const children = await t.inject({
      method: 'GET',
      url: `/api/v1/units?parentId=${tree.committee}&asOf=2010-01-01`,
    });
    expect(children.json().items).toHaveLength(2);
    const before = await t.inject({
      method: 'GET',
      url: `/api/v1/units?parentId=${tree.committee}&asOf=1999-12-31`,
    });
    expect(before.json().items).toHaveLength(0);
  });

  it('searches ignoring case and diacritics', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/units?q=${encodeURIComponent('giao vien')}&under=${tree.province}`,
    });
    expect(res.json().items.map((u: { name: string }) => u.name)).toEqual(
      expect.arrayContaining(['Chi bộ Giáo viên 1', 'Chi bộ Giáo viên 2']),
    );
  });

  it('adds a unit as a one-operation order and shows it with its history', async () => {
    const code = uniqueCode('A');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/units',
      payload: {
        code,
        name: 'Chi bộ Ấp Mỹ Phú',
        kind: 'grassroots_cell',
        parentId: tree.commune,
        effectiveDate: '2021-05-01',
      },
    });
    expect(res.statusCode).toBe(201);
    const { unit, order } = res.json();
    expect(order.state).toBe('in-effect');
    const detail = await t.inject({ method: 'GET', url: `/api/v1/units/${unit.id}?asOf=2022-01-01` });
    expect(detail.json()).toMatchObject({ liveOnDate: true, unit: { code, parentId: tree.commune } });
    expect(detail.json().ancestors.map((a: { id: number }) => a.id)).toEqual([
      tree.central,
      tree.province,
      tree.commune,
    ]);
    const history = await t.inject({ method: 'GET', url: `/api/v1/units/${unit.id}/history` });
    expect(history.json().versions[0]).toMatchObject({ validFrom: '2021-05-01', changes: ['created'] });
    const early = await t.inject({ method: 'GET', url: `/api/v1/units/${unit.id}?asOf=2020-01-01` });
    expect(early.json()).toMatchObject({ liveOnDate: false, unit: null });
  });

  it('refuses a blank name, naming the field', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/units',
      payload: { code: uniqueCode('B'), name: '   ', kind: 'grassroots_cell', parentId: tree.commune },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'name' });
  });

  it('refuses a reused code in the language asked, naming the holder', async () => {
    const code = uniqueCode('D');
    await t.inject({
      method: 'POST',
      url: '/api/v1/units',
      payload: {
        code,
        name: 'One',
        kind: 'grassroots_cell',
        parentId: tree.commune,
        effectiveDate: '2021-01-01',
      },
    });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: { 'accept-language': 'ar' },
      payload: {
        code,
        name: 'Two',
        kind: 'grassroots_cell',
        parentId: tree.commune,
        effectiveDate: '2022-01-01',
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'code_in_use', field: 'code' });
    expect(res.json().detail).toContain('مستخدم');
  });

  it('gives figures by kind and their change between two dates with the orders behind it', async () => {
    const figures = await t.inject({
      method: 'GET',
      url: `/api/v1/units/${tree.province}/figures?asOf=2010-01-01`,
    });
    expect(figures.json()).toMatchObject({ total: 5 });
    const change = await t.inject({
      method: 'GET',
      url: `/api/v1/units/${tree.province}/figures/change?from=1999-01-01&to=2010-01-01`,
    });
    expect(change.statusCode).toBe(200);
    expect(change.json().orders.length).toBeGreaterThan(0);
  });

  it.each([
    ['/api/v1/units/999999', 'unit_not_found'],
    ['/api/v1/units/999999/history', 'unit_not_found'],
    ['/api/v1/units/999999/lineage', 'unit_not_found'],
    ['/api/v1/units/999999/figures', 'unit_not_found'],
    ['/api/v1/units?parentId=999999', 'unit_not_found'],
    ['/api/v1/nothing-here', 'not_found'],
  ])('answers 404 problem for %s', async (url, code) => {
    const res = await t.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(code);
  });

  it('refuses a malformed as-of date in Vietnamese', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/units/${tree.central}?asOf=2024-13-01`,
      headers: { 'accept-language': 'vi-VN,vi;q=0.9' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_date', field: 'asOf' });
    expect(res.json().detail).toContain('2024-13-01');
  });
});

describe('system endpoints', () => {
  it('reports health with engine and migration level', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toMatchObject({ status: 'ok', migration: await latestMigration() });
    expect(['pglite', 'postgres']).toContain(res.json().engine);
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/units', '/api/v1/orders/{id}/apply']),
    );
    const docs = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
  });

  it('serves the rule pack', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/rule-pack' });
    expect(res.json().kinds.map((k: { code: string }) => k.code)).toContain('grassroots_cell');
    expect(res.json().groups[0]).toMatchObject({
      code: 'grassroots_organizations',
      names: { vi: 'Tổ chức cơ sở đảng' },
    });
  });

  it('refuses the demo on a database that already has units', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/demo' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('demo_needs_empty_database');
  });
});
