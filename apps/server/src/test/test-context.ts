import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RULE_PACK, KindRules, type NewUnit, type ReorgOperation } from '@rollbook/domain';
import { loadConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import type { DatabaseHandle } from '../db/engine.js';
import { createAndApplyOrder } from '../modules/reorg/reorg.service.js';
import { localOperator } from '../modules/access/actor.js';
import { memberVersion } from '../modules/members/members.repository.js';
import { createMember, recordEvent } from '../modules/members/members.service.js';
import { createTestDatabase } from './test-database.js';

/** A context over a fresh test database, with "today" pinned so dates in tests never drift. */
export async function createTestContext(
  today = '2026-11-25',
): Promise<{ ctx: AppContext; handle: DatabaseHandle }> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-test-data-'));
  // Closing the database also removes the folder, so test runs leave nothing behind in /tmp.
  const handle: DatabaseHandle = {
    ...database,
    async close() {
      try {
        await database.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  const ctx = createContext({
    db: handle.db,
    engine: handle.engine,
    bulk: handle.bulk,
    copyOut: handle.copyOut,
    rules: new KindRules(DEFAULT_RULE_PACK),
    // A folder of its own: imports keep uploaded files there, named by job id, and test files run
    // in parallel, each with its own database and so its own job 1.
    config: {
      ...loadConfig({}),
      timeZone: 'UTC',
      dataDir,
    },
  });
  return { ctx: { ...ctx, today: () => today }, handle };
}

/** Tests that exercise the tree, not access, act as the local operator (every permission). */
export const TEST_OPERATOR = localOperator('test');

let counter = 0;
/** A code no other test uses. */
export function uniqueCode(prefix = 'U'): string {
  counter += 1;
  return `${prefix}${process.pid}-${counter}`;
}

/** Applies one order and returns the ids of the units it created, in operation order. */
export async function applyOps(
  ctx: AppContext,
  effectiveDate: string,
  operations: ReorgOperation[],
): Promise<number[]> {
  const order = await createAndApplyOrder(ctx, TEST_OPERATOR, { effectiveDate, operations });
  return Object.keys(order.result?.createdUnitIds ?? {})
    .map(Number)
    .sort((a, b) => a - b)
    .flatMap((k) => order.result!.createdUnitIds![k]!);
}

/** Builds a unit and returns its id. */
export async function buildUnit(
  ctx: AppContext,
  spec: Partial<NewUnit> & { kind: string; parentId: number | null },
  effectiveDate = '2000-01-01',
): Promise<number> {
  const [id] = await applyOps(ctx, effectiveDate, [
    {
      type: 'create',
      code: spec.code ?? uniqueCode(),
      name: spec.name ?? 'Unit',
      kind: spec.kind,
      parentId: spec.parentId,
    },
  ]);
  return id!;
}

/**
 * A small party tree: central → province → commune → grassroots committee → two cells, plus a
 * grassroots cell under the commune.
 */
export async function buildSmallTree(ctx: AppContext, date = '2000-01-01') {
  const central = await buildUnit(ctx, { kind: 'central', parentId: null, name: 'Trung ương' }, date);
  const province = await buildUnit(
    ctx,
    { kind: 'province', parentId: central, name: 'Đảng bộ tỉnh An Giang' },
    date,
  );
  const commune = await buildUnit(
    ctx,
    { kind: 'commune', parentId: province, name: 'Đảng bộ xã Mỹ Hòa Hưng' },
    date,
  );
  const committee = await buildUnit(
    ctx,
    { kind: 'grassroots_committee', parentId: commune, name: 'Đảng bộ Trường THPT' },
    date,
  );
  const cellA = await buildUnit(ctx, { kind: 'cell', parentId: committee, name: 'Chi bộ Giáo viên 1' }, date);
  const cellB = await buildUnit(ctx, { kind: 'cell', parentId: committee, name: 'Chi bộ Giáo viên 2' }, date);
  const gCell = await buildUnit(
    ctx,
    { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ Trạm Y tế' },
    date,
  );
  return { central, province, commune, committee, cellA, cellB, gCell };
}

/**
 * Adds a member to a cell: admitted on `admitted` with the ceremony the same day, and recognized
 * as official 12 months later when `official` is set. Returns the member id.
 */
export async function buildMember(
  ctx: AppContext,
  spec: {
    unitId: number;
    fullName?: string;
    birthDate?: string;
    sex?: string;
    admitted?: string;
    official?: boolean;
  },
): Promise<number> {
  const admitted = spec.admitted ?? '2020-03-02';
  const { memberId } = await createMember(ctx, TEST_OPERATOR, {
    record: {
      fullName: spec.fullName ?? 'Nguyễn Văn An',
      birthDate: spec.birthDate ?? '1990-05-15',
      sex: spec.sex ?? 'male',
    },
    event: { type: 'admission', date: admitted, unitId: spec.unitId, details: { ceremonyDate: admitted } },
  });
  if (spec.official) {
    const version = (await memberVersion(ctx.db, memberId))!;
    const probationEnd = `${Number(admitted.slice(0, 4)) + 1}${admitted.slice(4)}`;
    await recordEvent(ctx, TEST_OPERATOR, memberId, version, { type: 'recognition', date: probationEnd });
  }
  return memberId;
}
