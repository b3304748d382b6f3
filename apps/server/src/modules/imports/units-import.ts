import {
  type DateOrder,
  type ImportField,
  type IsoDate,
  type KindRules,
  type ReorgOperation,
  unitKindReader,
} from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { CopyValue } from '../../db/copy.js';
import type { Database } from '../../db/types.js';
import type { Actor, Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import { createAndApplyOrderIn } from '../reorg/reorg.service.js';
import type { Db } from '../units/units.repository.js';
import { cellText, type ColumnMap, type RowProblem, rowProblems } from './member-import.js';
import type { TableRow } from './table-file.js';

/**
 * Units from a file (issue 5): a province board brings its tree from spreadsheets, in the format
 * the units export writes. Each row is read and staged (COPY into import_unit_row); the whole file
 * is then checked against the tree — parents, kinds the rule pack allows under them, codes, loops,
 * dates — and committed through reorganization orders, one per day the file's units start or end,
 * all in one transaction: the tree, its paths, the audit trail and the invariants are exactly those
 * of orders typed by hand (ADR 0007).
 */

export const UNIT_STAGED_COLUMNS = [
  'job_id',
  'row_no',
  'ok',
  'code',
  'name',
  'kind',
  'parent_code',
  'valid_from',
  'valid_until',
] as const;

/** Reads one row of a units file; answers the staged row and the problems of its own cells. */
export function unitRowReader(
  rules: KindRules,
  jobId: number,
  fields: readonly ImportField[],
  columnOf: ColumnMap,
  dateOrder: DateOrder,
): { read(row: TableRow): { staged: CopyValue[]; problems: RowProblem[] } } {
  const kindOf = unitKindReader(rules.pack.kinds);
  const kinds = rules.pack.kinds.map((k) => k.code).join(', ');
  const mapped = fields.filter((f) => columnOf.has(f.key));
  const required = fields.filter((f) => f.required);
  return {
    read({ row, cells }) {
      const { problems, problem, date } = rowProblems(row, columnOf);
      const values = new Map<string, string>();
      for (const field of mapped) {
        const raw = cellText(cells, columnOf.get(field.key)!.index);
        if (raw === '') continue;
        if (field.kind === 'date') {
          const day = date(field, raw, dateOrder);
          if (day) values.set(field.key, day);
        } else if (field.key === 'kind') {
          // Codes or names in any language: the export writes the reader's language.
          const code = kindOf(raw);
          if (code === null) problem(field, raw, 'vocabulary', { value: raw, allowed: kinds });
          else values.set(field.key, code);
        } else if (field.maxLength && raw.length > field.maxLength) {
          problem(field, raw.slice(0, 80), 'too_long', { max: field.maxLength });
        } else values.set(field.key, raw);
      }
      for (const field of required)
        if (!values.has(field.key) && !problems.some((p) => p.field === field.key))
          problem(field, null, 'required');
      const from = values.get('validFrom');
      const until = values.get('validUntil');
      // A validity range is [from, until): the last day is the day before `until` (ARCHITECTURE).
      if (from && until && until <= from) {
        const field = fields.find((f) => f.key === 'validUntil')!;
        problem(field, until, 'until_before_from', { value: until, from });
      }
      const text = (key: string) => values.get(key) ?? null;
      return {
        staged: [
          jobId,
          row,
          problems.length === 0,
          text('code'),
          text('name'),
          text('kind'),
          text('parent'),
          text('validFrom'),
          text('validUntil'),
        ],
        problems,
      };
    },
  };
}

/** A row that passed every check, with its parent resolved: a stored unit or a row of the file. */
export interface PlannedUnit {
  row: number;
  code: string;
  name: string;
  kind: string;
  from: IsoDate;
  until: IsoDate | null;
  parentId: number | null;
  /** The parent row's code (upper case) when the parent is a unit of the file. */
  parentCode: string | null;
  /** How many of the file's units lie above it: parents are created first. */
  depth: number;
}

export interface UnitCheckContext {
  jobId: number;
  /** The importer's reach for reorganizing (orders.apply). */
  scope: Scope;
  /** Units must lie under this unit (the importer's board), when the job names one. */
  underUnitId: number | null;
  rules: KindRules;
  mapping: Record<string, string>;
}

interface StagedUnit {
  row: number;
  ok: boolean;
  code: string | null;
  name: string | null;
  kind: string | null;
  parentCode: string | null;
  from: IsoDate | null;
  until: IsoDate | null;
}

/**
 * Checks the staged rows as a whole against the tree, and answers the problems and, when there are
 * none, the units in the order they are to be created. The file's own structure (duplicates, loops,
 * parents of the file) is judged in memory — a tree file has thousands of rows, not millions — and
 * what it meets in the tree (codes held, parents standing) in one query each.
 */
export async function checkStagedUnits(
  db: Db,
  c: UnitCheckContext,
): Promise<{ problems: RowProblem[]; plan: PlannedUnit[] }> {
  const staged = (
    await sql<StagedUnit>`select row_no as row, ok, code, name, kind, parent_code as "parentCode",
      to_char(valid_from, 'YYYY-MM-DD') as "from", to_char(valid_until, 'YYYY-MM-DD') as until
    from import_unit_row where job_id = ${c.jobId} order by row_no`.execute(db)
  ).rows;
  const problems: RowProblem[] = [];
  const problem = (row: number, field: string, value: string | null, key: string, params = {}) =>
    problems.push({
      row,
      column: c.mapping[field] ?? null,
      field,
      value,
      reason: `import.${key}`,
      params,
    });
  const bad = new Set<number>();

  // A code names one unit a day (unit_version's exclusion constraint): once in the file…
  const byCode = new Map<string, StagedUnit>();
  for (const u of staged) {
    if (!u.code) continue;
    const first = byCode.get(u.code.toUpperCase());
    if (first) {
      problem(u.row, 'code', u.code, 'unit_code_duplicate', { other: first.row });
      bad.add(u.row);
    } else byCode.set(u.code.toUpperCase(), u);
  }
  // …and not held by a stored unit on any of the days the row's unit stands.
  const held = await sql<{ row: number; code: string; holder: string; date: string }>`
    select distinct on (r.row_no) r.row_no as row, r.code, v.code || ' ' || v.name as holder,
      to_char(greatest(lower(v.valid), r.valid_from), 'YYYY-MM-DD') as date
    from import_unit_row r
    join unit_version v on upper(v.code) = upper(r.code) and v.superseded_at is null
      and v.valid && daterange(r.valid_from, r.valid_until)
    where r.job_id = ${c.jobId} and r.ok
    order by r.row_no, lower(v.valid)`.execute(db);
  for (const h of held.rows) {
    problem(h.row, 'code', h.code, 'unit_code_in_use', { value: h.code, holder: h.holder, date: h.date });
    bad.add(h.row);
  }

  // Parents in the tree: by code, standing on the day the unit starts, inside the importer's reach
  // (and under the job's unit); one out of reach is reported like a missing one.
  const under =
    c.underUnitId === null
      ? sql`true`
      : sql`exists (select 1 from unit_tree a, unit_tree t where a.unit_id = ${c.underUnitId} and a.valid @> r.valid_from
          and t.unit_id = v.unit_id and t.valid @> r.valid_from and t.path <@ a.path)`;
  const stored = await sql<{ row: number; unitId: number; kind: string; covers: boolean }>`
    select r.row_no as row, v.unit_id as "unitId", v.kind,
      coalesce((select range_agg(t.valid) from unit_tree t where t.unit_id = v.unit_id)
        @> daterange(r.valid_from, r.valid_until), false) as covers
    from import_unit_row r
    join unit_version v on upper(v.code) = upper(r.parent_code) and v.superseded_at is null
      and v.valid @> r.valid_from
    where r.job_id = ${c.jobId} and r.ok and r.parent_code is not null
      and ${unitInScope(c.scope, sql`v.unit_id`, sql`r.valid_from`)} and ${under}`.execute(db);
  const storedParent = new Map(stored.rows.map((p) => [p.row, p]));

  const rules = c.rules;
  const allowedUnder = (kind: string) =>
    rules.pack.kinds
      .filter((k) => rules.maySitUnder(kind, k.code))
      .map((k) => k.code)
      .join(', ');
  const usable = staged.filter((u) => u.ok && !bad.has(u.row));
  for (const u of usable) {
    const kind = u.kind!;
    const from = u.from!;
    if (!rules.inForce(kind, from))
      problem(u.row, 'kind', kind, 'unit_kind_not_in_force', { kind, date: from });
    const dates = { value: u.parentCode ?? '', from, until: u.until ?? '…' };
    if (u.parentCode === null) {
      // The statute's root kinds alone stand at the top; putting one there reshapes the whole tree.
      if (!rules.isRoot(kind)) problem(u.row, 'parent', null, 'parent_required', { kind });
      else if (!c.scope.all || c.underUnitId !== null)
        problem(u.row, 'parent', null, 'parent_required_scope', {});
      continue;
    }
    const inFile = byCode.get(u.parentCode.toUpperCase());
    if (inFile) {
      // Its parent's own problems are listed on the parent's row.
      if (!inFile.ok || bad.has(inFile.row)) continue;
      if (!rules.maySitUnder(kind, inFile.kind!))
        problem(u.row, 'parent', u.parentCode, 'unit_parent_kind', {
          kind,
          value: u.parentCode,
          parentKind: inFile.kind!,
          allowed: allowedUnder(kind),
        });
      const ends = (until: IsoDate | null) => until ?? '9999-12-31';
      if (inFile.from! > from || ends(u.until) > ends(inFile.until))
        problem(u.row, 'parent', u.parentCode, 'parent_not_standing', dates);
      continue;
    }
    const parent = storedParent.get(u.row);
    if (!parent) {
      problem(u.row, 'parent', u.parentCode, 'unit_unknown', { value: u.parentCode, date: from });
      continue;
    }
    if (!rules.maySitUnder(kind, parent.kind))
      problem(u.row, 'parent', u.parentCode, 'unit_parent_kind', {
        kind,
        value: u.parentCode,
        parentKind: parent.kind,
        allowed: allowedUnder(kind),
      });
    if (!parent.covers) problem(u.row, 'parent', u.parentCode, 'parent_not_standing', dates);
  }

  // Loops among the file's parents: no order could create them (each unit needs its parent first).
  const depth = new Map<number, number>();
  const inLoop = new Set<number>();
  for (const u of usable) {
    const chain: StagedUnit[] = [];
    let at: StagedUnit | undefined = u;
    while (at && !depth.has(at.row) && !chain.includes(at)) {
      chain.push(at);
      at = at.parentCode ? byCode.get(at.parentCode.toUpperCase()) : undefined;
    }
    if (at && chain.includes(at)) {
      const loop = chain.slice(chain.indexOf(at));
      for (const l of loop)
        if (!inLoop.has(l.row)) {
          inLoop.add(l.row);
          problem(l.row, 'parent', l.parentCode, 'unit_cycle', {
            chain: [...loop, loop[0]!].map((x) => x.code).join(' → '),
          });
        }
      loop.forEach((l) => depth.set(l.row, 0));
      at = undefined;
    }
    let d = at ? depth.get(at.row)! + 1 : 0;
    for (const x of chain.reverse()) if (!depth.has(x.row)) depth.set(x.row, d++);
  }

  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (problems.length || staged.some((u) => !u.ok)) return { problems, plan: [] };
  const plan = usable.map((u): PlannedUnit => ({
    row: u.row,
    code: u.code!,
    name: u.name!,
    kind: u.kind!,
    from: u.from!,
    until: u.until,
    parentId:
      u.parentCode && !byCode.has(u.parentCode.toUpperCase()) ? storedParent.get(u.row)!.unitId : null,
    parentCode: u.parentCode && byCode.has(u.parentCode.toUpperCase()) ? u.parentCode.toUpperCase() : null,
    depth: depth.get(u.row) ?? 0,
  }));
  return { problems, plan };
}

/**
 * Creates the planned units through reorganization orders, inside the caller's transaction: one
 * order per day on which units of the file start or end (an order takes effect on one day), in
 * date order; within an order, dissolutions deepest first and creations parents first. Answers how
 * many units were created and the orders applied.
 */
export async function writeStagedUnits(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  plan: readonly PlannedUnit[],
  order: { title: string; onOrder: (done: number) => void },
): Promise<{ units: number; orders: number[] }> {
  const created = new Map<string, number>();
  const dates = [...new Set(plan.flatMap((u) => (u.until ? [u.from, u.until] : [u.from])))].sort();
  const orders: number[] = [];
  for (const date of dates) {
    const ending = plan.filter((u) => u.until === date).sort((a, b) => b.depth - a.depth);
    const starting = plan.filter((u) => u.from === date).sort((a, b) => a.depth - b.depth || a.row - b.row);
    const operations: ReorgOperation[] = [
      ...ending.map((u): ReorgOperation => ({
        type: 'dissolve',
        unitId: created.get(u.code.toUpperCase())!,
      })),
      ...starting.map((u): ReorgOperation => {
        const sameDay = u.parentCode !== null && !created.has(u.parentCode);
        return {
          type: 'create',
          code: u.code,
          name: u.name,
          kind: u.kind,
          ref: u.code.toUpperCase(),
          parentId: u.parentCode === null ? u.parentId : (created.get(u.parentCode) ?? null),
          ...(sameDay && { parentRef: u.parentCode! }),
        };
      }),
    ];
    const applied = await createAndApplyOrderIn(trx, ctx, actor, {
      effectiveDate: date,
      title: order.title,
      operations,
    });
    const ids = applied.result?.createdUnitIds ?? {};
    starting.forEach((u, i) => created.set(u.code.toUpperCase(), ids[ending.length + i]![0]!));
    orders.push(applied.id);
    order.onOrder(created.size);
  }
  return { units: created.size, orders };
}
