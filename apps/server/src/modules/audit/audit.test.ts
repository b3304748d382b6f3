import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import { buildApp, type App } from '../../http/app.js';
import { signedInUser } from '../../test/test-app.js';
import { buildSmallTree, createTestContext, TEST_OPERATOR, uniqueCode } from '../../test/test-context.js';
import { createAndApplyOrder } from '../reorg/reorg.service.js';
import { recordAudit, verifyAudit } from './audit.service.js';

let ctx: AppContext;
let handle: DatabaseHandle;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  tree = await buildSmallTree(ctx);
});
afterAll(() => handle?.close());

const count = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(ctx.db)).rows[0]!.n);

/** Runs a tampering statement, checks what verify says, and puts the row back. */
async function tamper(statement: string, restore: string) {
  await sql.raw(statement).execute(ctx.db);
  try {
    return await verifyAudit(ctx.db);
  } finally {
    await sql.raw(restore).execute(ctx.db);
  }
}

describe('the audit chain', () => {
  it('records every applied order with its decision, and nothing for a refused one', async () => {
    const before = await count();
    const order = await createAndApplyOrder(ctx, TEST_OPERATOR, {
      effectiveDate: '2010-01-01',
      decision: { number: '15-QĐ/TU' },
      operations: [{ type: 'rename', unitId: tree.cellA, name: 'Chi bộ Giáo viên Một' }],
    });
    expect(await count()).toBe(before + 1);
    const [event] = (
      await sql<{ body: string }>`select body from audit_event order by seq desc limit 1`.execute(ctx.db)
    ).rows;
    expect(JSON.parse(event!.body)).toMatchObject({
      action: 'order.apply',
      entity: { type: 'order', id: String(order.id) },
      unitIds: [tree.cellA],
      decision: { number: '15-QĐ/TU' },
      actor: { id: null, name: expect.stringMatching(/^test:/) },
    });
    // A refused order rolls back — the event with it.
    await expect(
      createAndApplyOrder(ctx, TEST_OPERATOR, {
        effectiveDate: '2010-01-01',
        operations: [
          { type: 'create', code: uniqueCode(), name: 'X', kind: 'cell', parentId: tree.province },
        ],
      }),
    ).rejects.toMatchObject({ code: 'wrong_parent_kind' });
    expect(await count()).toBe(before + 1);
  });

  it('verifies, and names the first event that was edited, removed or relinked', async () => {
    const good = await verifyAudit(ctx.db);
    expect(good.ok).toBe(true);
    expect(good.events).toBe(await count());
    const seq = Math.max(2, good.events - 2);

    const edited = await tamper(
      `update audit_event set body = replace(body, '"v":1', '"v":1 ') where seq = ${seq}`,
      `update audit_event set body = replace(body, '"v":1 ', '"v":1') where seq = ${seq}`,
    );
    expect(edited.broken).toEqual({ seq, problem: 'hash' });

    const saved = await ctx.db
      .selectFrom('audit_event')
      .select(['seq', 'body', 'prev_hash', 'hash'])
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('audit_event').where('seq', '=', seq).execute();
    const deleted = await verifyAudit(ctx.db);
    await ctx.db.insertInto('audit_event').values(saved).execute();
    expect(deleted.broken).toEqual({ seq: seq + 1, problem: 'gap' });

    const relinked = await tamper(
      `update audit_event set prev_hash = sha256('x') where seq = ${seq}`,
      `update audit_event e set prev_hash = p.hash from audit_event p where p.seq = e.seq - 1 and e.seq = ${seq}`,
    );
    expect(relinked.broken?.seq).toBe(seq);

    // Removing the newest events leaves the kept head pointing past the end.
    const newest = await ctx.db
      .selectFrom('audit_event')
      .select(['seq', 'body', 'prev_hash', 'hash'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('audit_event').where('seq', '=', newest.seq).execute();
    const truncated = await verifyAudit(ctx.db);
    await ctx.db.insertInto('audit_event').values(newest).execute();
    expect(truncated.broken).toEqual({ seq: newest.seq, problem: 'truncated' });

    // The filter columns come from the body and cannot be edited apart from it.
    await expect(
      sql`update audit_event set action = 'nothing' where seq = ${seq}`.execute(ctx.db),
    ).rejects.toThrow();
    expect((await verifyAudit(ctx.db)).ok).toBe(true);
  });

  it('keeps one chain under concurrent writers', async () => {
    const before = await count();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.db
          .transaction()
          .execute((trx) =>
            recordAudit(trx, TEST_OPERATOR, { action: 'test.concurrent', entity: { type: 'test', id: i } }),
          ),
      ),
    );
    const report = await verifyAudit(ctx.db);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(before + 12);
  });
});

describe('the audit trail over HTTP', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildApp(ctx, { serveWeb: false });
  });
  afterAll(() => app?.close());

  it('shows a reader only the events of their subtree, exports them as CSV and records the export', async () => {
    await createAndApplyOrder(ctx, TEST_OPERATOR, {
      effectiveDate: '2011-01-01',
      operations: [{ type: 'rename', unitId: tree.gCell, name: 'Chi bộ Trạm Y tế xã' }],
    });
    const committeeAuditor = await signedInUser(ctx, [{ role: 'auditor', unitId: tree.committee }]);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=500',
      headers: committeeAuditor.headers,
    });
    expect(res.statusCode).toBe(200);
    const units = new Set(res.json().items.flatMap((e: { unitIds: number[] }) => e.unitIds));
    expect(units.has(tree.cellA)).toBe(true);
    expect(units.has(tree.gCell)).toBe(false);
    const outside = await app.inject({
      method: 'GET',
      url: `/api/v1/audit?unitId=${tree.gCell}`,
      headers: committeeAuditor.headers,
    });
    expect(outside.statusCode).toBe(404);
    const verify = await app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: committeeAuditor.headers,
    });
    expect(verify.statusCode).toBe(403);

    const csv = await app.inject({
      method: 'GET',
      url: '/api/v1/audit/export.csv?action=order.apply',
      headers: committeeAuditor.headers,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,actor,action,entity,entityId,unitIds,decision,changes,requestId,source,hash',
    );
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes('order.apply'))).toBe(true);
    const exported = await app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=audit.export',
      headers: committeeAuditor.headers,
    });
    expect(exported.json().items[0].actor.name).toBe(committeeAuditor.username);

    const admin = await signedInUser(ctx, [{ role: 'administrator', unitId: null }]);
    const all = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin.headers });
    expect(all.json()).toMatchObject({ ok: true, broken: null });
  });
});
