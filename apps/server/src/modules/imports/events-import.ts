import {
  addDays,
  type DateOrder,
  type EventDetails,
  FACT_RULES,
  foldHeader,
  type ImportField,
  type IsoDate,
  type LifecycleEvent,
  type MemberEventType,
  parseImportDate,
  RECORDABLE_EVENT_TYPES,
  replayLifecycle,
  type RuleFinding,
  spanOn,
} from '@rollbook/domain';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { CopyValue } from '../../db/copy.js';
import type { Database } from '../../db/types.js';
import type { Actor, Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import { DETAILS, EVENT_TYPES } from '../exports/events-export.js';
import { applyRollup, contributions, difference } from '../members/member-rollup.js';
import {
  findEventsOfMembers,
  findLatestRecords,
  insertEvents,
  isUnitWithin,
  lockMembers,
  type MemberEventRow,
  type MemberRecordRow,
  type NewEvent,
} from '../members/members.repository.js';
import { findingParams, rederiveMembers } from '../members/members.service.js';
import type { Db } from '../units/units.repository.js';
import { cellText, type ColumnMap, type RowProblem, rowProblems } from './member-import.js';
import type { TableRow } from './table-file.js';

/**
 * Historical lifecycle events from a file (issue 5): transfers, recognitions, exits… of members
 * already in the register, in the format the events export writes. Each row is read and staged
 * (COPY into import_event_row); the whole file is then checked member by member — the file's events
 * merged with the stored ones and replayed through the lifecycle, the rule set in force on each
 * date judging each — and committed in one transaction: events inserted, each member's spans and
 * deadlines re-derived as for an event typed by hand, the roll-ups kept in step.
 */

export const EVENT_STAGED_COLUMNS = [
  'job_id',
  'row_no',
  'ok',
  'member_ref',
  'type',
  'event_date',
  'unit_code',
  'details',
  'decision_number',
  'decision_date',
  'decided_by',
  'note',
] as const;

/** Events whose `unit` names where the member goes (others take no unit: the member's own is implied). */
const UNIT_EVENTS: ReadonlySet<string> = new Set([
  'application',
  'admission',
  'readmission',
  'transfer_out',
  'transfer_in',
]);
const TRANSFERS: ReadonlySet<string> = new Set(['transfer_out', 'transfer_in']);
const DATE_DETAILS: ReadonlySet<string> = new Set(['ceremonyDate', 'considerationDate', 'until']);
/** Details a file may give that the export does not name (free text the event forms take). */
const OTHER_DETAILS = ['considerationDate', 'overAgeDecision', 'educationException', 'lateApproval'];

/** An event type by its code or its name in any language, as the events export writes it. */
function eventTypeReader(): (value: string) => string | null {
  const byName = new Map<string, string>();
  for (const code of [...RECORDABLE_EVENT_TYPES, 'reorganization']) byName.set(foldHeader(code), code);
  for (const [code, names] of Object.entries(EVENT_TYPES))
    for (const name of Object.values(names))
      if (!byName.has(foldHeader(name))) byName.set(foldHeader(name), code);
  return (value) => byName.get(foldHeader(value)) ?? null;
}

/** The detail a label names (its code, or its label in any language), and how its values read. */
function detailReader(dateOrder: DateOrder) {
  const keys = new Map<string, string>();
  for (const key of [...Object.keys(DETAILS), ...OTHER_DETAILS]) keys.set(foldHeader(key), key);
  for (const [key, d] of Object.entries(DETAILS))
    for (const label of Object.values(d.label))
      if (!keys.has(foldHeader(label))) keys.set(foldHeader(label), key);
  const choice = (key: string, value: string): string | null => {
    const choices = DETAILS[key]?.choices;
    if (!choices) return value;
    for (const [code, names] of Object.entries(choices))
      if (
        foldHeader(code) === foldHeader(value) ||
        Object.values(names).some((n) => foldHeader(n) === foldHeader(value))
      )
        return code;
    return null;
  };
  /** "Kind of transfer: Temporary; Purpose: Study" → { transferKind: 'temporary', purpose: 'study' }; the part at fault when not. */
  return (text: string): { details: Record<string, string> } | { bad: string } => {
    const details: Record<string, string> = {};
    for (const part of text.split(';')) {
      if (!part.trim()) continue;
      const colon = part.indexOf(':');
      if (colon < 0) return { bad: part.trim() };
      const key = keys.get(foldHeader(part.slice(0, colon)));
      const raw = part.slice(colon + 1).trim();
      if (!key || !raw) return { bad: part.trim() };
      const value = DATE_DETAILS.has(key) ? parseImportDate(raw, dateOrder) : choice(key, raw);
      if (value === null) return { bad: part.trim() };
      details[key] = value;
    }
    return { details };
  };
}

/** Reads one row of an events file; answers the staged row and the problems of its own cells. */
export function eventRowReader(
  ctx: AppContext,
  jobId: number,
  fields: readonly ImportField[],
  columnOf: ColumnMap,
  dateOrder: DateOrder,
): { read(row: TableRow): { staged: CopyValue[]; problems: RowProblem[] } } {
  const today = ctx.today();
  const typeOf = eventTypeReader();
  const readDetails = detailReader(dateOrder);
  const allowed = RECORDABLE_EVENT_TYPES.join(', ');
  const mapped = fields.filter((f) => columnOf.has(f.key));
  const required = fields.filter((f) => f.required);
  return {
    read({ row, cells }) {
      const { problems, problem, date } = rowProblems(row, columnOf);
      const values = new Map<string, string>();
      let details: Record<string, string> = {};
      for (const field of mapped) {
        const raw = cellText(cells, columnOf.get(field.key)!.index);
        if (raw === '') continue;
        if (field.kind === 'date') {
          const day = date(field, raw, dateOrder, today);
          if (day) values.set(field.key, day);
        } else if (field.key === 'type') {
          const code = typeOf(raw);
          if (code === null) problem(field, raw, 'event_type', { value: raw, allowed });
          else if (code === 'reorganization') problem(field, raw, 'event_reorganization');
          else values.set(field.key, code);
        } else if (field.key === 'details') {
          const read = readDetails(raw);
          if ('bad' in read)
            problem(field, raw.slice(0, 80), 'event_detail', { value: read.bad.slice(0, 80) });
          else details = read.details;
        } else if (field.maxLength && raw.length > field.maxLength) {
          problem(field, raw.slice(0, 80), 'too_long', { max: field.maxLength });
        } else values.set(field.key, raw);
      }
      for (const field of required)
        if (!values.has(field.key) && !problems.some((p) => p.field === field.key))
          problem(field, null, 'required');
      const type = values.get('type') ?? null;
      // The unit the event names: a transfer's destination, the cell an admission places the member in.
      const unit =
        type !== null && UNIT_EVENTS.has(type)
          ? ((TRANSFERS.has(type) ? values.get('targetUnit') : undefined) ?? values.get('unit') ?? null)
          : null;
      const text = (key: string) => values.get(key) ?? null;
      return {
        staged: [
          jobId,
          row,
          problems.length === 0,
          text('member'),
          type,
          text('date'),
          unit,
          details,
          text('decisionNumber'),
          text('decisionDate'),
          text('decidedBy'),
          text('note'),
        ],
        problems,
      };
    },
  };
}

export interface EventCheckContext {
  jobId: number;
  /** The importer's members.write scope: members out of it are reported as unknown. */
  scope: Scope;
  today: IsoDate;
  mapping: Record<string, string>;
}

interface StagedEvent {
  row: number;
  ok: boolean;
  memberRef: string | null;
  memberId: number | null;
  type: MemberEventType | null;
  date: IsoDate | null;
  unitCode: string | null;
  unitId: number | null;
  unitKind: string | null;
  details: EventDetails;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  decidedBy: string | null;
  note: string | null;
}

/**
 * The member a file's cell names — a member number, or a national ID on the record as it now reads
 * — as a lateral subquery answering `id`, when the importer reaches them: by the unit of their span
 * today, or of the span nearest today (a member who left, one not yet admitted), or the unit a
 * transfer takes them to or hosts them in. Anyone else reads as unknown, like a missing member.
 */
export function memberNamedBy(ref: RawBuilder<unknown>, scope: Scope, today: IsoDate): RawBuilder<unknown> {
  return sql`(select m.id from member m
    where m.merged_into_id is null and m.id = coalesce(
      (select x.id from member x where ${ref} ~ '^[0-9]{1,15}$' and x.id = ${ref}::bigint),
      (select x.member_id from member_record x where x.national_id = ${ref} and x.superseded_at is null
         and upper_inf(x.valid) limit 1))
      and exists (select 1 from (select s.unit_id, s.transfer_to_unit_id, s.host_unit_id from member_span s
          where s.member_id = m.id
          order by case when s.valid @> ${today}::date then 0
            when lower(s.valid) > ${today}::date then lower(s.valid) - ${today}::date
            else ${today}::date - (upper(s.valid) - 1) end
          limit 1) near
        where ${unitInScope(scope, sql`near.unit_id`, today)}
          or (near.transfer_to_unit_id is not null and ${unitInScope(scope, sql`near.transfer_to_unit_id`, today)})
          or (near.host_unit_id is not null and ${unitInScope(scope, sql`near.host_unit_id`, today)})))`;
}

/** What a commit writes for one member: the file's events, each with the rule set in force on its date. */
export interface PlannedMember {
  memberId: number;
  events: Array<Omit<NewEvent, 'memberId' | 'recordedBy'> & { row: number }>;
}

/** Members whose stored events and records are read in one query. */
const READ_CHUNK = 2000;

/** The id a file's event takes in a replay: after every stored event of its day, in row order. */
const FILE_EVENT_BASE = 2 ** 50;

/**
 * Checks the staged rows against the register: members (by number or national ID, in the
 * importer's scope), units (by code, standing on the event's day, of a kind members belong to),
 * events already recorded or given twice, and for each member the file's events merged with the
 * stored ones replayed through the lifecycle. Answers the problems and, when there are none, the plan.
 */
export async function checkStagedEvents(
  db: Db,
  ctx: AppContext,
  c: EventCheckContext,
): Promise<{ problems: RowProblem[]; plan: PlannedMember[] }> {
  const staged = (
    await sql<StagedEvent>`
      select r.row_no as row, r.ok, r.member_ref as "memberRef", m.id as "memberId", r.type,
        to_char(r.event_date, 'YYYY-MM-DD') as date, r.unit_code as "unitCode", u.unit_id as "unitId",
        u.kind as "unitKind", r.details, r.decision_number as "decisionNumber",
        to_char(r.decision_date, 'YYYY-MM-DD') as "decisionDate", r.decided_by as "decidedBy", r.note
      from import_event_row r
      left join lateral ${memberNamedBy(sql`r.member_ref`, c.scope, c.today)} m on true
      left join unit_version u on r.unit_code is not null and upper(u.code) = upper(r.unit_code)
        and u.superseded_at is null and u.valid @> r.event_date
      where r.job_id = ${c.jobId}
      order by r.row_no`.execute(db)
  ).rows.map((r) => ({ ...r, memberId: r.memberId === null ? null : Number(r.memberId) }));
  const problems: RowProblem[] = [];
  const problem = (row: number, field: string, value: string | null, key: string, params = {}) =>
    problems.push({ row, column: c.mapping[field] ?? null, field, value, reason: key, params });
  const rules = ctx.rules.members;
  const kinds = rules.pack.memberUnitKinds.map((k) => ctx.rules.name(k)).join(', ');

  const byMember = new Map<number, StagedEvent[]>();
  for (const e of staged) {
    if (!e.ok) continue;
    let bad = false;
    if (e.memberId === null) {
      problem(e.row, 'member', e.memberRef, 'import.member_unknown', { value: e.memberRef ?? '' });
      bad = true;
    }
    if (e.unitCode !== null && e.unitId === null) {
      problem(
        e.row,
        e.type && TRANSFERS.has(e.type) && c.mapping.targetUnit ? 'targetUnit' : 'unit',
        e.unitCode,
        'import.unit_unknown',
        {
          value: e.unitCode,
          date: e.date!,
        },
      );
      bad = true;
    } else if (e.unitKind !== null && !rules.isMemberUnitKind(e.unitKind)) {
      problem(e.row, 'unit', e.unitCode, 'rule.member_unit_kind', { kinds });
      bad = true;
    }
    if (bad) continue;
    const list = byMember.get(e.memberId!) ?? [];
    list.push(e);
    byMember.set(e.memberId!, list);
  }

  const plan: PlannedMember[] = [];
  // Stored events and records are read for a chunk of members at a time: a query per member made
  // a file of 3,000 deaths take 14 s to check on PGlite.
  const memberIds = [...byMember.keys()];
  const storedOf = new Map<number, MemberEventRow[]>();
  const recordOf = new Map<number, MemberRecordRow>();
  for (let i = 0; i < memberIds.length; i += READ_CHUNK) {
    const chunk = memberIds.slice(i, i + READ_CHUNK);
    for (const [id, events] of await findEventsOfMembers(db, chunk, false)) storedOf.set(id, events);
    for (const [id, record] of await findLatestRecords(db, chunk)) recordOf.set(id, record);
  }
  for (const [memberId, rows] of byMember) {
    const stored = storedOf.get(memberId) ?? [];
    const record = recordOf.get(memberId);
    const seen = new Map<string, number>();
    const fresh: StagedEvent[] = [];
    for (const e of rows) {
      const key = `${e.type}|${e.date}`;
      const exists = stored.some((s: MemberEventRow) => s.type === e.type && s.date === e.date);
      if (exists) problem(e.row, 'date', e.date, 'import.event_exists', { date: e.date! });
      else if (seen.has(key))
        problem(e.row, 'date', e.date, 'import.event_duplicate', { other: seen.get(key)! });
      else {
        seen.set(key, e.row);
        fresh.push(e);
      }
    }
    if (fresh.length === 0) continue;
    const idOf = new Map(fresh.map((e, i) => [FILE_EVENT_BASE + i, e]));
    const events: LifecycleEvent[] = [
      ...stored.map((s) => ({ id: s.id, type: s.type, date: s.date, unitId: s.unitId, details: s.details })),
      ...fresh.map((e, i) => ({
        id: FILE_EVENT_BASE + i,
        type: e.type!,
        date: e.date!,
        unitId: e.unitId,
        details: e.details,
      })),
    ];
    const facts = {
      birthDate: record?.birthDate ?? null,
      sex: record?.sex ?? null,
      education: record?.education ?? null,
    };
    const replay = replayLifecycle(events, facts, rules, c.today);
    let broken = false;
    for (const finding of replay.problems) {
      const own = idOf.get(finding.eventId);
      if (own) {
        problems.push(findingProblem(own, finding, c.mapping));
        broken = true;
      } else if (!FACT_RULES.has(finding.rule) && finding.rule !== 'event_in_future') {
        // A stored event the file's events make wrong: told on the member's first row dated before it.
        const stored = events.find((x) => x.id === finding.eventId);
        const at = fresh.filter((e) => !stored || e.date! <= stored.date).at(-1) ?? fresh[0]!;
        problem(at.row, 'date', at.date, 'import.event_breaks_later', {
          ...findingParams(finding),
          date: stored?.date ?? '',
        });
        broken = true;
      }
    }
    if (broken) continue;
    // The writer reaches the member on each event's day, as recording it by hand asks (the reach
    // today was asked when the member was found): where the event places them, or where they stood.
    let outOfReach = false;
    for (const e of c.scope.all ? [] : fresh) {
      const placing =
        e.type === 'transfer_in' || (e.type !== null && UNIT_EVENTS.has(e.type) && !TRANSFERS.has(e.type));
      const stood = spanOn(replay.spans, addDays(e.date!, -1)) ?? spanOn(replay.spans, e.date!);
      const units = [placing ? e.unitId : null, stood?.unitId ?? null].filter((u): u is number => u !== null);
      // An internal transfer moves the member at once: the writer must reach where they go too.
      const target = e.type === 'transfer_out' && e.details.transferKind === 'internal' ? e.unitId : null;
      const reached = async (unit: number) => isUnitWithin(db, c.scope, unit, e.date!);
      let ok = false;
      for (const unit of placing ? units.slice(0, 1) : units) if (await reached(unit)) ok = true;
      if (ok && target !== null && !(await reached(target))) ok = false;
      if (!ok) {
        problem(e.row, 'date', e.date, 'import.event_out_of_reach', { date: e.date! });
        outOfReach = true;
      }
    }
    if (outOfReach) continue;
    plan.push({
      memberId,
      events: fresh.map((e, i) => ({
        row: e.row,
        type: e.type!,
        date: e.date!,
        unitId: e.unitId,
        details: e.details,
        decisionNumber: e.decisionNumber,
        decisionDate: e.decisionDate,
        decidedBy: e.decidedBy,
        note: e.note,
        ruleSet: replay.ruleSets.get(FILE_EVENT_BASE + i)!,
      })),
    });
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (problems.length || staged.some((e) => !e.ok)) return { problems, plan: [] };
  return { problems, plan };
}

/** A broken statute rule, placed in the column of the cell it judged. */
function findingProblem(e: StagedEvent, finding: RuleFinding, mapping: Record<string, string>): RowProblem {
  const field =
    finding.field === 'unitId'
      ? 'unit'
      : finding.field.startsWith('details.')
        ? 'details'
        : finding.field === 'type'
          ? 'type'
          : 'date';
  const value =
    field === 'unit'
      ? e.unitCode
      : field === 'type'
        ? e.type
        : field === 'date'
          ? e.date
          : JSON.stringify(e.details);
  return {
    row: e.row,
    column: mapping[field] ?? null,
    field,
    value,
    reason: `rule.${finding.rule}`,
    params: findingParams(finding),
  };
}

/**
 * Writes the planned events inside the caller's transaction: the members locked, their events
 * inserted, their spans and deadlines re-derived and the members moved on by later orders that
 * ended a unit the events place them in, as recordEvent does, in batches (`onBatch` may
 * throw to stop: the transaction then writes nothing), and the roll-ups moved by the difference
 * between the members' contributions before and after.
 */
export async function writeStagedEvents(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  plan: readonly PlannedMember[],
  onBatch: (membersDone: number) => void,
  batchSize = 1000,
): Promise<{ members: number; events: number }> {
  const memberIds = plan.map((p) => p.memberId).sort((a, b) => a - b);
  await lockMembers(trx, memberIds);
  const before = await contributions(trx, { memberIds });
  let events = 0;
  for (let i = 0; i < plan.length; i += batchSize) {
    const batch = plan.slice(i, i + batchSize);
    const rows: NewEvent[] = batch.flatMap((p) =>
      p.events.map(({ row: _row, ...e }) => ({ ...e, memberId: p.memberId, recordedBy: actor.name })),
    );
    events += (await insertEvents(trx, rows)).length;
    const ids = batch.map((p) => p.memberId);
    await rederiveMembers(trx, ctx, actor, ids);
    await sql`update member set version = version + 1, updated_at = now() where id = any(${ids}::bigint[])`.execute(
      trx,
    );
    onBatch(i + batch.length);
  }
  await applyRollup(trx, difference(before, await contributions(trx, { memberIds })));
  return { members: plan.length, events };
}
