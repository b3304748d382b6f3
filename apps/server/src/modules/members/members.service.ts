import {
  addDays,
  allocateMemberToSplitPart,
  AppError,
  type Deadline,
  eligibleForClassification,
  FACT_RULES,
  type EventDetails,
  type IsoDate,
  type LifecycleEvent,
  MEMBER_COUNTED_STATUSES,
  type MemberEventType,
  type MemberFacts,
  type MemberSpan,
  type Membership,
  reason,
  replayLifecycle,
  type RuleFinding,
  SENSITIVE_MEMBER_FIELDS,
  seniorityMonths,
  spanOn,
} from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import { type Actor, requireScope, scopeFor, type Scope } from '../access/actor.js';
import { isUnitVisible } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { applyRollup, contributions, difference, hasRollup, type RollupDelta } from './member-rollup.js';
import type { Db } from '../units/units.repository.js';
import {
  bumpMemberVersion,
  findEvents,
  findEventsOfMembers,
  findLatestRecord,
  findMembers,
  findMembersInUnitsOn,
  findNationalIdHolder,
  findRecordHistory,
  findRecordOn,
  findFoldedAttributes,
  findSplitPartsOn,
  findSuccessorOn,
  foldText,
  findUnitOn,
  insertEvents,
  insertMember,
  insertRecord,
  isMemberVisible,
  isUnitWithin,
  lockMember,
  lockMembers,
  markEventCorrected,
  memberVersion,
  pathsOn,
  type MemberEventRow,
  type MemberListRow,
  type MemberRecordFields,
  type MemberRecordRow,
  type NewEvent,
  RECORD_FIELDS,
  supersedeRecord,
  unitLabels,
  writeDerived,
  writeDerivedOfMembers,
} from './members.repository.js';

/** An event as a person records it. */
export interface EventInput {
  type: MemberEventType;
  date: IsoDate;
  unitId?: number | null;
  details?: EventDetails;
  decision?: { number?: string | null; date?: IsoDate | null; by?: string | null } | null;
  note?: string | null;
}

/** What a new member's record holds when first written. */
export type RecordInput = Partial<MemberRecordFields> & { fullName: string };

/** A member as one day sees them. */
export interface MemberDetail {
  id: number;
  version: number;
  asOf: IsoDate;
  record: Partial<MemberRecordFields> & {
    fullName: string;
    custom: Record<string, unknown>;
    validFrom: IsoDate | null;
    validTo: IsoDate | null;
  };
  state: (Omit<MemberSpan, 'from' | 'to'> & { since: IsoDate; until: IsoDate | null }) | null;
  unit: { id: number; code: string; name: string } | null;
  seniorityMonths: number | null;
  eligibleForClassification: boolean;
  membership: Membership | null;
  memberships: Membership[];
  deadlines: Deadline[];
  sensitiveShown: boolean;
}

/** Events that carry discipline or case matters: their details need `members.sensitive`. */
export const SENSITIVE_EVENTS: ReadonlySet<MemberEventType> = new Set([
  'discipline',
  'suspension',
  'suspension_extension',
  'suspension_end',
  'removal',
]);

function notFound(memberId: number): AppError {
  return new AppError('member_not_found', { params: { member: `#${memberId}` } });
}

/** The member may be read on the day; otherwise they do not exist for this reader (404). */
async function assertReadable(db: Db, scope: Scope, memberId: number, day: IsoDate): Promise<void> {
  if (!(await isMemberVisible(db, scope, memberId, day))) throw notFound(memberId);
}

async function maySeeSensitive(db: Db, actor: Actor, memberId: number, day: IsoDate): Promise<boolean> {
  const scope = scopeFor(actor, 'members.sensitive');
  return scope !== null && (await isMemberVisible(db, scope, memberId, day));
}

function factsOf(record: MemberRecordFields | undefined): MemberFacts {
  return {
    birthDate: record?.birthDate ?? null,
    sex: record?.sex ?? null,
    education: record?.education ?? null,
  };
}

function toLifecycle(row: MemberEventRow): LifecycleEvent {
  return { id: row.id, type: row.type, date: row.date, unitId: row.unitId, details: row.details };
}

/** Refuses with the first broken rule; all of them travel as violations for a form to place. */
export function refuseFindings(problems: readonly RuleFinding[], eventField = ''): never {
  const violations = problems.map((p) => ({
    code: 'member_rule_broken' as const,
    field: eventField + p.field,
    params: findingParams(p),
  }));
  const first = violations[0]!;
  throw new AppError('member_rule_broken', {
    field: first.field,
    params: first.params,
    details: { violations },
  });
}

export function findingParams(p: RuleFinding): Record<string, string | number> {
  return {
    ...p.params,
    rule: p.rule,
    explanation: reason(`rule.${p.rule}`),
    ruleSet: p.ruleSet,
    source: p.source,
  };
}

/** For neighbours (cards): the member exists for this reader on the day, or 404. */
export const assertMemberReadable = assertReadable;

/** For neighbours (cards): the writer reaches the member's unit on the day. */
export async function assertMemberWritable(
  db: Db,
  actor: Actor,
  spans: readonly MemberSpan[],
  day: IsoDate,
  today: IsoDate,
): Promise<void> {
  await assertWritable(db, actor, spans, { type: 'death', date: day }, null, today);
}

/** Rewrites a member's spans and deadlines from their events (a merge moves events between members). */
export async function rederiveMember(
  trx: Transaction<Database>,
  ctx: AppContext,
  memberId: number,
): Promise<void> {
  await rederive(trx, ctx, memberId);
}

/**
 * Rewrites the spans and deadlines of many members from their stored events (read in one query),
 * then moves on those a later applied order left standing in a unit it ended — what recording an
 * event does for one member (`rederive`, `followLaterOrders`), for writers of many (the events import).
 */
export async function rederiveMembers(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  memberIds: readonly number[],
): Promise<void> {
  if (memberIds.length === 0) return;
  const derived = [...(await findEventsOfMembers(trx, memberIds, false))].map(([memberId, events]) => {
    const replay = replayLifecycle(events.map(toLifecycle), null, ctx.rules.members, '9999-12-31');
    return { memberId, spans: replay.spans, deadlines: replay.deadlines };
  });
  await writeDerivedOfMembers(trx, derived);
  const stranded = await sql<{ memberId: number }>`select distinct s.member_id as "memberId"
    from member_span s ${UNIT_END} where s.member_id = any(${memberIds}::bigint[]) and ${STANDS_PAST_UNIT_END}`.execute(
    trx,
  );
  for (const { memberId } of stranded.rows) await followLaterOrders(trx, ctx, actor, Number(memberId));
}

/**
 * Refuses a merge whose combined events break a rule (two admissions on one timeline, a transfer
 * from a unit the other record never left…): the clerk corrects the events first.
 */
export async function checkMergedEvents(
  db: Db,
  ctx: AppContext,
  memberId: number,
  duplicateId: number,
): Promise<void> {
  const events = [...(await findEvents(db, memberId, false)), ...(await findEvents(db, duplicateId, false))];
  const record = await findLatestRecord(db, memberId);
  const replay = replayLifecycle(events.map(toLifecycle), factsOf(record), ctx.rules.members, ctx.today());
  const blocking = replay.problems.filter(storedEventBlocks);
  if (blocking.length) refuseFindings(blocking, 'duplicateId.');
}

/** The member's spans as the stored events derive them. */
export async function derivedSpans(db: Db, ctx: AppContext, memberId: number): Promise<MemberSpan[]> {
  const events = await findEvents(db, memberId, false);
  return replayLifecycle(events.map(toLifecycle), null, ctx.rules.members, '9999-12-31').spans;
}

// ---------------------------------------------------------------------------------------------
// Record fields

/** Checks vocabulary fields and custom fields against the rule pack; names the field at fault. */
function checkRecordFields(ctx: AppContext, fields: Partial<MemberRecordFields>, creating: boolean): void {
  const members = ctx.rules.members;
  for (const name of ['sex', 'ethnicity', 'religion', 'education'] as const) {
    const value = fields[name];
    if (value && !members.inVocabulary(name, value))
      throw new AppError('validation_failed', {
        field: `record.${name}`,
        params: { reason: reason('not_in_vocabulary'), value },
      });
  }
  if (fields.birthDate && fields.birthDate > ctx.today())
    throw new AppError('validation_failed', {
      field: 'record.birthDate',
      params: { reason: reason('maximum') },
    });
  const definitions = members.pack.customFields;
  for (const [code, value] of Object.entries(fields.custom ?? {})) {
    const def = definitions.find((d) => d.code === code);
    if (!def)
      throw new AppError('validation_failed', {
        field: `record.custom.${code}`,
        params: { reason: reason('custom_field_unknown') },
      });
    if (value === null) continue;
    const ok =
      def.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : def.type === 'date'
          ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
          : def.type === 'choice'
            ? typeof value === 'string' && (def.choices ?? []).includes(value)
            : typeof value === 'string';
    if (!ok)
      throw new AppError('validation_failed', {
        field: `record.custom.${code}`,
        params: { reason: reason(def.type === 'choice' ? 'enum' : 'type') },
      });
  }
  if (creating)
    for (const def of definitions)
      if (def.required && (fields.custom?.[def.code] ?? null) === null)
        throw new AppError('validation_failed', {
          field: `record.custom.${def.code}`,
          params: { reason: reason('required') },
        });
}

function normalizeRecord(input: Partial<MemberRecordFields>, base?: MemberRecordFields): MemberRecordFields {
  const text = (v: string | null | undefined) => {
    if (v === undefined || v === null) return null;
    const t = v.normalize('NFC').trim();
    return t === '' ? null : t;
  };
  const merged = { ...(base ?? emptyRecord()), ...input };
  return {
    fullName: text(merged.fullName) ?? '',
    birthName: text(merged.birthName),
    otherNames: text(merged.otherNames),
    sex: text(merged.sex),
    birthDate: merged.birthDate ?? null,
    birthPlace: text(merged.birthPlace),
    homeTown: text(merged.homeTown),
    residence: text(merged.residence),
    ethnicity: text(merged.ethnicity),
    religion: text(merged.religion),
    nationalId: text(merged.nationalId),
    education: text(merged.education),
    profession: text(merged.profession),
    phone: text(merged.phone),
    email: text(merged.email),
    custom: { ...(base?.custom ?? {}), ...(input.custom ?? {}) },
  };
}

function emptyRecord(): MemberRecordFields {
  return {
    fullName: '',
    birthName: null,
    otherNames: null,
    sex: null,
    birthDate: null,
    birthPlace: null,
    homeTown: null,
    residence: null,
    ethnicity: null,
    religion: null,
    nationalId: null,
    education: null,
    profession: null,
    phone: null,
    email: null,
    custom: {},
  };
}

function pickRecord(row: MemberRecordRow): MemberRecordFields {
  return Object.fromEntries(RECORD_FIELDS.map((f) => [f, row[f]])) as unknown as MemberRecordFields;
}

/** Refuses a national ID another member holds; names that member only to a writer who may read them. */
async function assertNationalIdFree(
  db: Db,
  actor: Actor,
  nationalId: string | null,
  memberId: number | null,
  today: IsoDate,
): Promise<void> {
  if (!nationalId) return;
  const holder = await findNationalIdHolder(db, nationalId, memberId);
  if (holder === undefined) return;
  const readable = await isMemberVisible(db, requireScope(actor, 'members.read'), holder, today);
  throw new AppError('national_id_in_use', {
    field: 'record.nationalId',
    params: { nationalId, member: readable ? `#${holder}` : '—' },
  });
}

// ---------------------------------------------------------------------------------------------
// Events

/**
 * Checks the units an event names: the unit a member joins or moves to must be live on the
 * event's day and of a kind members belong to (cells). A transfer accepted after the receiving
 * unit was merged lands in its successor.
 */
async function resolveEventUnit(
  db: Db,
  ctx: AppContext,
  input: EventInput,
  pendingTo: number | null,
): Promise<number | null> {
  let unitId = input.unitId ?? null;
  if (input.type === 'transfer_in' && pendingTo !== null) {
    // A slip lands where it was addressed, or in what that unit was merged into meanwhile.
    const successor = (await findUnitOn(db, pendingTo, input.date))
      ? undefined
      : await findSuccessorOn(db, pendingTo, input.date);
    const landing = successor ?? pendingTo;
    if (unitId !== null && unitId !== pendingTo && unitId !== successor)
      throw new AppError('validation_failed', {
        field: 'unitId',
        params: { reason: reason('transfer_destination') },
      });
    unitId = unitId ?? landing;
  }
  if (unitId === null) return null;
  const unit = await findUnitOn(db, unitId, input.date);
  if (!unit)
    throw new AppError('unit_not_live', {
      field: 'unitId',
      params: { unit: `#${unitId}`, date: input.date },
    });
  if (!ctx.rules.members.isMemberUnitKind(unit.kind))
    throw new AppError('validation_failed', {
      field: 'unitId',
      params: {
        reason: reason('member_unit_kind'),
        kinds: ctx.rules.members.pack.memberUnitKinds.map((k) => ctx.rules.name(k)).join(', '),
      },
    });
  return unitId;
}

function newEventRow(
  memberId: number,
  input: EventInput,
  unitId: number | null,
  ruleSet: string,
  actor: Actor,
  extra: Partial<NewEvent> = {},
): NewEvent {
  return {
    memberId,
    type: input.type,
    date: input.date,
    unitId,
    details: input.details ?? {},
    decisionNumber: input.decision?.number ?? null,
    decisionDate: input.decision?.date ?? null,
    decidedBy: input.decision?.by ?? null,
    note: input.note ?? null,
    ruleSet,
    recordedBy: actor.name,
    ...extra,
  };
}

/** The id a not-yet-stored event takes in a replay: after every stored one of its day. */
const NEW_EVENT_ID = Number.MAX_SAFE_INTEGER;

interface Checked {
  replay: ReturnType<typeof replayLifecycle>;
  unitId: number | null;
  warnings: RuleFinding[];
}

/** Replays the member's events with the new one and refuses if any event would break a rule. */
async function checkNewEvent(
  db: Db,
  ctx: AppContext,
  stored: readonly MemberEventRow[],
  facts: MemberFacts,
  input: EventInput,
  currentPendingTo: number | null,
): Promise<Checked> {
  const unitId = await resolveEventUnit(db, ctx, input, currentPendingTo);
  const events = [
    ...stored.map(toLifecycle),
    { id: NEW_EVENT_ID, type: input.type, date: input.date, unitId, details: input.details ?? {} },
  ];
  const replay = replayLifecycle(events, facts, ctx.rules.members, ctx.today());
  const blocking = replay.problems.filter((p) => p.eventId === NEW_EVENT_ID || storedEventBlocks(p));
  if (blocking.length) refuseFindings(blocking);
  return { replay, unitId, warnings: replay.warnings.filter((w) => w.eventId === NEW_EVENT_ID) };
}

/**
 * Whether a stored event's problem in a new replay blocks the change: not when it rests on the
 * person's facts (judged when it was recorded), nor for an event dated ahead by a planned order.
 */
function storedEventBlocks(p: RuleFinding): boolean {
  return !FACT_RULES.has(p.rule) && p.rule !== 'event_in_future';
}

/** The writer's reach: the member's unit on the event's day (or, accepting a transfer, its destination). */
async function assertWritable(
  db: Db,
  actor: Actor,
  spans: readonly MemberSpan[],
  input: EventInput,
  unitId: number | null,
  today: IsoDate,
): Promise<void> {
  const scope = requireScope(actor, 'members.write');
  if (scope.all) return;
  if (spans.length === 0) {
    // A new member: the unit they join must be in reach, or it does not exist for this writer.
    if (unitId !== null && (await isUnitWithin(db, scope, unitId, input.date))) return;
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${unitId}` } });
  }
  const within = async (units: ReadonlyArray<number | null | undefined>, day: IsoDate) => {
    for (const unit of units) if (unit && (await isUnitWithin(db, scope, unit, day))) return true;
    return false;
  };
  const forbidden = () => new AppError('forbidden', { params: { permission: 'members.write' } });
  const span = spanOn(spans, input.date) ?? spans[spans.length - 1];
  const now = spanOn(spans, today) ?? spans[spans.length - 1];
  // The writer reaches the member on the event's day…
  const onDay =
    input.type === 'transfer_in'
      ? [unitId]
      : input.type === 'application' || input.type === 'admission' || input.type === 'readmission'
        ? [unitId ?? span?.unitId]
        : [span?.unitId];
  if (!(await within(onDay, input.date))) throw forbidden();
  // …and today, so a back-dated event cannot reach a member who has since left the writer's subtree
  // (accepting a transfer: the member is on the way to them).
  const onToday = input.type === 'transfer_in' ? [now?.transferToUnitId, now?.unitId] : [now?.unitId];
  if (!(await within(onToday, today))) throw forbidden();
  // An internal transfer moves the member at once: the writer must reach where they go too.
  if (
    input.type === 'transfer_out' &&
    input.details?.transferKind === 'internal' &&
    !(await within([unitId], input.date))
  )
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${unitId}` } });
}

export async function createMember(
  ctx: AppContext,
  actor: Actor,
  input: { record: RecordInput; event: EventInput },
): Promise<{ memberId: number; warnings: RuleFinding[] }> {
  if (!['application', 'admission'].includes(input.event.type))
    throw new AppError('validation_failed', {
      field: 'event.type',
      params: { reason: reason('first_event') },
    });
  checkRecordFields(ctx, input.record, true);
  const record = normalizeRecord(input.record);
  return ctx.db.transaction().execute(async (trx) => {
    const checked = await checkNewEvent(trx, ctx, [], factsOf(record), input.event, null).catch(
      (e: unknown) => {
        throw prefixField(e, 'event.');
      },
    );
    // Nothing recorded yet: the writer must reach the unit the member joins.
    await assertWritable(trx, actor, [], input.event, checked.unitId, ctx.today());
    // Sensitive fields are written, as they are read, only with members.sensitive there.
    if (SENSITIVE_MEMBER_FIELDS.some((f) => f !== 'discipline' && record[f as keyof MemberRecordFields])) {
      const sensitive = scopeFor(actor, 'members.sensitive');
      if (!sensitive || !(await isUnitWithin(trx, sensitive, checked.unitId!, input.event.date)))
        throw new AppError('forbidden', {
          field: `record.${SENSITIVE_MEMBER_FIELDS.find((f) => f !== 'discipline' && record[f as keyof MemberRecordFields])}`,
          params: { permission: 'members.sensitive' },
        });
    }
    await assertNationalIdFree(trx, actor, record.nationalId, null, ctx.today());
    const memberId = await insertMember(trx);
    await insertRecord(trx, memberId, record, { from: null, to: null }, actor.name);
    const ruleSet = checked.replay.ruleSets.get(NEW_EVENT_ID)!;
    const [eventId] = await insertEvents(trx, [
      newEventRow(memberId, input.event, checked.unitId, ruleSet, actor),
    ]);
    await rederive(trx, ctx, memberId);
    await followLaterOrders(trx, ctx, actor, memberId);
    await applyRollup(trx, await contributions(trx, { memberIds: [memberId] }));
    await recordAudit(trx, actor, {
      action: 'member.create',
      entity: { type: 'member', id: memberId },
      unitIds: checked.unitId ? [checked.unitId] : [],
      decision: decisionOf(input.event),
      after: { record: auditableRecord(record), event: { id: eventId, ...input.event } },
    });
    return { memberId, warnings: checked.warnings };
  });
}

/** The record as the audit trail keeps it: sensitive values are marked changed, never copied. */
function auditableRecord(record: Partial<MemberRecordFields>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  for (const field of SENSITIVE_MEMBER_FIELDS) if (copy[field] != null) copy[field] = '(recorded)';
  return copy;
}

function decisionOf(event: EventInput): Record<string, unknown> | null {
  const d = event.decision;
  if (!d || (!d.number && !d.date && !d.by)) return null;
  return { number: d.number ?? null, date: d.date ?? null, by: d.by ?? null };
}

function prefixField(error: unknown, prefix: string): unknown {
  if (!(error instanceof AppError) || !error.field || error.code !== 'member_rule_broken') {
    if (
      error instanceof AppError &&
      error.field &&
      !error.field.startsWith('record.') &&
      error.field !== 'If-Match'
    )
      return new AppError(error.code, {
        field: prefix + error.field,
        params: error.params,
        ...(error.details !== undefined && { details: error.details }),
      });
    return error;
  }
  const details = error.details as { violations?: Array<{ field?: string }> } | undefined;
  return new AppError(error.code, {
    field: prefix + error.field,
    params: error.params,
    details: { violations: details?.violations?.map((v) => ({ ...v, field: prefix + (v.field ?? '') })) },
  });
}

/**
 * A member placed (by a late or back-dated event) in a unit that an applied order ends later
 * follows that order as if they had been there when it was applied: to the merge successor or the
 * split part the order allocates them to. Refused, like the order would have been, when the unit
 * was dissolved with nowhere to go.
 */
/** SQL, after `from member_span s`: `e.day`, the last day of the span's unit, and `e.open`, whether it still stands. */
const UNIT_END = sql`cross join lateral (select max(upper(t.valid)) as day, bool_or(upper_inf(t.valid)) as open
  from unit_tree t where t.unit_id = s.unit_id) e`;
/** SQL: the span (of a member who has not left) runs past the end of its unit: an order ended it with them in it. */
const STANDS_PAST_UNIT_END = sql`s.status <> 'left' and not e.open
  and s.valid @> (e.day - 1) and (upper_inf(s.valid) or upper(s.valid) > e.day)`;

async function followLaterOrders(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  memberId: number,
): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    const ended = await sql<{ unitId: number; day: string; orderId: number | null }>`
      select s.unit_id as "unitId", to_char(e.day, 'YYYY-MM-DD') as day,
        (select o.id from reorg_order o join reorg_order_unit ou on ou.order_id = o.id
          where ou.unit_id = s.unit_id and o.status = 'applied' and o.effective_date = e.day
          order by o.id desc limit 1) as "orderId"
      from member_span s ${UNIT_END}
      where s.member_id = ${memberId} and ${STANDS_PAST_UNIT_END}
      limit 1`.execute(trx);
    const found = ended.rows[0];
    if (!found?.orderId) return;
    const moved = await followReorganization(
      trx,
      ctx,
      actor,
      { id: found.orderId, effectiveDate: found.day, decision: null },
      [found.unitId],
    );
    if (moved.length === 0) return;
  }
}

/** Applies what a member's change did to the roll-ups: their contributions now, less those before. */
async function keepRollup(
  trx: Transaction<Database>,
  memberId: number,
  before: readonly RollupDelta[],
): Promise<void> {
  await applyRollup(trx, difference(before, await contributions(trx, { memberIds: [memberId] })));
}

/** Rewrites spans and deadlines from the stored events. */
async function rederive(trx: Transaction<Database>, ctx: AppContext, memberId: number): Promise<void> {
  const events = await findEvents(trx, memberId, false);
  // Stored events were each checked when written; the replay here only derives. Far-future
  // bounds: a reorganization event may be dated ahead, with its order.
  const replay = replayLifecycle(events.map(toLifecycle), null, ctx.rules.members, '9999-12-31');
  await writeDerived(trx, memberId, replay.spans, replay.deadlines);
}

function assertVersion(current: number | undefined, expected: number, memberId: number): void {
  if (current === undefined) throw notFound(memberId);
  if (current !== expected)
    throw new AppError('version_conflict', { field: 'If-Match', params: { current } });
}

/**
 * Records an event (or, with `dryRun`, only checks it and says what it would change). Refused
 * when any rule breaks, for this event or for a later one it would make wrong.
 */
export async function recordEvent(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  expectedVersion: number | null,
  input: EventInput,
  options: { dryRun?: boolean } = {},
): Promise<{ eventId: number | null; warnings: RuleFinding[]; version: number }> {
  if (input.type === 'reorganization')
    throw new AppError('validation_failed', { field: 'type', params: { reason: reason('enum') } });
  return ctx.db.transaction().execute(async (trx) => {
    const version = options.dryRun ? undefined : await lockMember(trx, memberId);
    await assertReadable(trx, requireScope(actor, 'members.read'), memberId, input.date);
    if (!options.dryRun) assertVersion(version, expectedVersion!, memberId);
    const stored = await findEvents(trx, memberId, false);
    const record = await findRecordOn(trx, memberId, input.date);
    const before = replayLifecycle(stored.map(toLifecycle), null, ctx.rules.members, '9999-12-31');
    const pendingTo = spanOn(before.spans, input.date)?.transferToUnitId ?? null;
    const checked = await checkNewEvent(trx, ctx, stored, factsOf(record), input, pendingTo);
    await assertWritable(trx, actor, before.spans, input, checked.unitId, ctx.today());
    if (options.dryRun) return { eventId: null, warnings: checked.warnings, version: version ?? 0 };
    const ruleSet = checked.replay.ruleSets.get(NEW_EVENT_ID)!;
    const rollupBefore = await contributions(trx, { memberIds: [memberId] });
    const [eventId] = await insertEvents(trx, [newEventRow(memberId, input, checked.unitId, ruleSet, actor)]);
    await rederive(trx, ctx, memberId);
    await followLaterOrders(trx, ctx, actor, memberId);
    await keepRollup(trx, memberId, rollupBefore);
    const next = await bumpMemberVersion(trx, memberId);
    const unitIds = [checked.unitId, spanOn(before.spans, input.date)?.unitId ?? null].filter(
      (u): u is number => u !== null,
    );
    await recordAudit(trx, actor, {
      action: `member.${input.type}`,
      entity: { type: 'member', id: memberId },
      unitIds,
      decision: decisionOf(input),
      after: {
        event: eventId,
        type: input.type,
        date: input.date,
        unitId: checked.unitId,
        ...(SENSITIVE_EVENTS.has(input.type) ? {} : { details: input.details ?? {} }),
      },
    });
    return { eventId: eventId!, warnings: checked.warnings, version: next };
  });
}

/**
 * Corrects an earlier event: the wrong one is kept and marked, and a replacement (if given) takes
 * its place. Refused when the events that remain would break a rule.
 */
export async function correctEvent(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  eventId: number,
  expectedVersion: number,
  input: { reason: string; replacement?: EventInput | null },
): Promise<{ eventId: number | null; version: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await lockMember(trx, memberId);
    await assertReadable(trx, requireScope(actor, 'members.read'), memberId, ctx.today());
    assertVersion(version, expectedVersion, memberId);
    const all = await findEvents(trx, memberId, true);
    const wrong = all.find((e) => e.id === eventId);
    if (!wrong) throw new AppError('member_event_not_found', { params: { event: `#${eventId}` } });
    if (wrong.correctedAt)
      throw new AppError('event_already_corrected', { params: { event: `#${eventId}` } });
    if (wrong.type === 'reorganization')
      throw new AppError('validation_failed', { field: 'eventId', params: { reason: reason('enum') } });
    const remaining = all.filter((e) => !e.correctedAt && e.id !== eventId);
    const before = replayLifecycle(
      all.filter((e) => !e.correctedAt).map(toLifecycle),
      null,
      ctx.rules.members,
      '9999-12-31',
    );
    await assertWritable(
      trx,
      actor,
      before.spans,
      { type: wrong.type, date: wrong.date },
      wrong.unitId,
      ctx.today(),
    );
    const record = await findLatestRecord(trx, memberId);
    let unitId: number | null = null;
    let ruleSet = wrong.ruleSet;
    const replacement = input.replacement ?? null;
    if (replacement) {
      const checked = await checkNewEvent(trx, ctx, remaining, factsOf(record), replacement, null).catch(
        (e: unknown) => {
          throw prefixField(e, 'replacement.');
        },
      );
      unitId = checked.unitId;
      ruleSet = checked.replay.ruleSets.get(NEW_EVENT_ID)!;
      // The replacement must lie within the writer's reach as much as the event it replaces.
      await assertWritable(trx, actor, before.spans, replacement, unitId, ctx.today());
    } else {
      const replay = replayLifecycle(
        remaining.map(toLifecycle),
        factsOf(record),
        ctx.rules.members,
        ctx.today(),
      );
      const blocking = replay.problems.filter(storedEventBlocks);
      if (blocking.length) refuseFindings(blocking);
    }
    const rollupBefore = await contributions(trx, { memberIds: [memberId] });
    await markEventCorrected(trx, eventId, input.reason);
    const [newId] = replacement
      ? await insertEvents(trx, [
          newEventRow(memberId, replacement, unitId, ruleSet, actor, { correctsEventId: eventId }),
        ])
      : [null];
    await rederive(trx, ctx, memberId);
    await followLaterOrders(trx, ctx, actor, memberId);
    await keepRollup(trx, memberId, rollupBefore);
    const next = await bumpMemberVersion(trx, memberId);
    await recordAudit(trx, actor, {
      action: 'member.event_correct',
      entity: { type: 'member', id: memberId },
      unitIds: [wrong.unitId, unitId, spanOn(before.spans, wrong.date)?.unitId ?? null].filter(
        (u): u is number => u !== null,
      ),
      after: { corrected: eventId, reason: input.reason, replacement: newId ?? null },
    });
    return { eventId: newId ?? null, version: next };
  });
}

/**
 * Changes the record: from a date on (a new name after marriage: the old version stays true for
 * the days before), or as a correction of what was wrongly written (the version is replaced for
 * its whole period; the register can still show what it said).
 */
export async function changeRecord(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  expectedVersion: number,
  input: { effectiveFrom?: IsoDate | null; correction?: boolean; fields: Partial<MemberRecordFields> },
): Promise<{ version: number }> {
  if (!input.correction === !input.effectiveFrom)
    throw new AppError('validation_failed', {
      field: 'effectiveFrom',
      params: { reason: reason('record_correction_date') },
    });
  checkRecordFields(ctx, input.fields, false);
  return ctx.db.transaction().execute(async (trx) => {
    const version = await lockMember(trx, memberId);
    const day = input.effectiveFrom ?? ctx.today();
    await assertReadable(trx, requireScope(actor, 'members.read'), memberId, day);
    assertVersion(version, expectedVersion, memberId);
    const events = await findEvents(trx, memberId, false);
    const spans = replayLifecycle(events.map(toLifecycle), null, ctx.rules.members, '9999-12-31').spans;
    await assertWritable(trx, actor, spans, { type: 'death', date: day }, null, ctx.today());
    // Without members.sensitive a writer neither sees nor changes the sensitive fields.
    const sensitive = await maySeeSensitive(trx, actor, memberId, day);
    const fields = { ...input.fields };
    if (!sensitive)
      for (const f of SENSITIVE_MEMBER_FIELDS)
        if (f in fields)
          throw new AppError('forbidden', {
            field: `record.${f}`,
            params: { permission: 'members.sensitive' },
          });
    const history = await findRecordHistory(trx, memberId, false);
    const latest = history[history.length - 1]!;
    if ('fullName' in fields && !fields.fullName?.trim())
      throw new AppError('validation_failed', {
        field: 'record.fullName',
        params: { reason: reason('required') },
      });
    const rollupBefore = await contributions(trx, { memberIds: [memberId] });
    if (input.correction) {
      // A correction rewrites the version in force today (the record as it now reads).
      const target =
        history.find((r) => (r.validFrom ?? '') <= day && (r.validTo === null || day < r.validTo)) ?? latest;
      const next = normalizeRecord(fields, pickRecord(target));
      await assertNationalIdFree(trx, actor, next.nationalId, memberId, ctx.today());
      await supersedeRecord(trx, target.id);
      await insertRecord(trx, memberId, next, { from: target.validFrom, to: target.validTo }, actor.name);
      await auditRecordChange(trx, actor, memberId, spans, 'member.record_correct', pickRecord(target), next);
    } else {
      const from = input.effectiveFrom!;
      if (latest.validFrom !== null && from <= latest.validFrom)
        throw new AppError('validation_failed', {
          field: 'effectiveFrom',
          params: { reason: reason('record_change_before'), date: latest.validFrom },
        });
      const next = normalizeRecord(fields, pickRecord(latest));
      await assertNationalIdFree(trx, actor, next.nationalId, memberId, ctx.today());
      await supersedeRecord(trx, latest.id);
      await insertRecord(
        trx,
        memberId,
        pickRecord(latest),
        { from: latest.validFrom, to: from },
        latest.recordedBy,
      );
      await insertRecord(trx, memberId, next, { from, to: null }, actor.name);
      await auditRecordChange(trx, actor, memberId, spans, 'member.record_change', pickRecord(latest), next);
    }
    await rederive(trx, ctx, memberId);
    await keepRollup(trx, memberId, rollupBefore);
    return { version: await bumpMemberVersion(trx, memberId) };
  });
}

async function auditRecordChange(
  trx: Transaction<Database>,
  actor: Actor,
  memberId: number,
  spans: readonly MemberSpan[],
  action: string,
  before: MemberRecordFields,
  after: MemberRecordFields,
): Promise<void> {
  await recordAudit(trx, actor, {
    action,
    entity: { type: 'member', id: memberId },
    unitIds: [...new Set(spans.map((s) => s.unitId).filter((u): u is number => u !== null))],
    before: auditableRecord(before),
    after: auditableRecord(after),
  });
}

// ---------------------------------------------------------------------------------------------
// Reads

export async function getMember(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  asOf: IsoDate,
): Promise<MemberDetail> {
  const scope = requireScope(actor, 'members.read');
  await assertReadable(ctx.db, scope, memberId, asOf);
  const sensitive = await maySeeSensitive(ctx.db, actor, memberId, asOf);
  const version = (await memberVersion(ctx.db, memberId))!;
  const record = (await findRecordOn(ctx.db, memberId, asOf)) ?? (await findLatestRecord(ctx.db, memberId))!;
  const events = await findEvents(ctx.db, memberId, false);
  const replay = replayLifecycle(events.map(toLifecycle), null, ctx.rules.members, '9999-12-31');
  const span = spanOn(replay.spans, asOf);
  const labels = await unitLabels(ctx.db, [span?.unitId ?? null]);
  const fields = pickRecord(record);
  const shown: Partial<MemberRecordFields> = { ...fields };
  if (!sensitive) for (const f of SENSITIVE_MEMBER_FIELDS) delete (shown as Record<string, unknown>)[f];
  if (sensitive) await auditSensitiveRead(ctx, actor, memberId, span?.unitId ?? null, 'record');
  // As the record stood on the day asked: later admissions, recognitions and exits are not shown.
  const known = (d: IsoDate | null) => (d !== null && d <= asOf ? d : null);
  const memberships = replay.memberships
    .filter((m) => m.decisionDate <= asOf)
    .map((m) => ({
      decisionDate: m.decisionDate,
      ceremonyDate: known(m.ceremonyDate),
      probationEnd: m.ceremonyDate && m.ceremonyDate <= asOf ? m.probationEnd : null,
      officialFrom: known(m.officialFrom),
      end: known(m.end),
    }));
  const membership = memberships[memberships.length - 1] ?? null;
  // Deadlines are today's work; a suspension's end is a case detail.
  const deadlines =
    asOf < ctx.today() ? [] : replay.deadlines.filter((d) => sensitive || d.kind !== 'suspension_end');
  return {
    id: memberId,
    version,
    asOf,
    record: {
      ...shown,
      fullName: record.fullName,
      custom: record.custom,
      validFrom: record.validFrom,
      validTo: record.validTo,
    },
    state: span
      ? {
          status: span.status,
          unitId: span.unitId,
          exitReason: span.exitReason,
          exempted: span.exempted,
          suspended: span.suspended,
          transferToUnitId: span.transferToUnitId,
          hostUnitId: span.hostUnitId,
          since: span.from,
          until: span.to,
        }
      : null,
    unit: span?.unitId ? { id: span.unitId, ...labels.get(span.unitId)! } : null,
    seniorityMonths: seniorityMonths(replay.memberships, asOf),
    eligibleForClassification: eligibleForClassification(span),
    membership,
    memberships,
    deadlines,
    sensitiveShown: sensitive,
  };
}

/** Every read of confidential member data is an audit event (BRIEF capability 9). */
async function auditSensitiveRead(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  unitId: number | null,
  what: string,
): Promise<void> {
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, {
      action: 'member.read_sensitive',
      entity: { type: 'member', id: memberId },
      unitIds: unitId ? [unitId] : [],
      after: { read: what },
    }),
  );
}

export interface EventView extends MemberEventRow {
  unitCode: string | null;
  unitName: string | null;
  /** Details left out: a discipline or suspension matter the reader may not see. */
  restricted: boolean;
}

export async function listEvents(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  options: { includeCorrected: boolean },
): Promise<EventView[]> {
  const scope = requireScope(actor, 'members.read');
  const today = ctx.today();
  await assertReadable(ctx.db, scope, memberId, today);
  const sensitive = await maySeeSensitive(ctx.db, actor, memberId, today);
  const rows = await findEvents(ctx.db, memberId, options.includeCorrected);
  const labels = await unitLabels(
    ctx.db,
    rows.map((r) => r.unitId),
  );
  if (sensitive && rows.some((r) => SENSITIVE_EVENTS.has(r.type)))
    await auditSensitiveRead(ctx, actor, memberId, rows.find((r) => r.unitId)?.unitId ?? null, 'events');
  return rows.map((row) => {
    const restricted = !sensitive && SENSITIVE_EVENTS.has(row.type);
    const label = row.unitId ? labels.get(row.unitId) : undefined;
    return {
      ...row,
      details: restricted ? {} : row.details,
      note: restricted ? null : row.note,
      decisionNumber: restricted ? null : row.decisionNumber,
      unitCode: label?.code ?? null,
      unitName: label?.name ?? null,
      restricted,
    };
  });
}

export async function recordHistory(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  includeSuperseded: boolean,
): Promise<Array<Partial<MemberRecordRow>>> {
  const scope = requireScope(actor, 'members.read');
  const today = ctx.today();
  await assertReadable(ctx.db, scope, memberId, today);
  const sensitive = await maySeeSensitive(ctx.db, actor, memberId, today);
  const rows = await findRecordHistory(ctx.db, memberId, includeSuperseded);
  if (sensitive) await auditSensitiveRead(ctx, actor, memberId, null, 'record history');
  return rows.map((row) => {
    const copy: Partial<MemberRecordRow> = { ...row };
    if (!sensitive) for (const f of SENSITIVE_MEMBER_FIELDS) delete (copy as Record<string, unknown>)[f];
    return copy;
  });
}

export const LIST_STATUSES = [
  'members',
  'applicant',
  'admitted',
  'probationary',
  'official',
  'left',
  'all',
] as const;

/** The statuses a list filter stands for: members (probationary and official, the default), one, or all. */
export function statusesOf(status: (typeof LIST_STATUSES)[number] | undefined): readonly string[] {
  return status === undefined || status === 'members'
    ? MEMBER_COUNTED_STATUSES
    : status === 'all'
      ? ['applicant', 'admitted', 'probationary', 'official', 'left']
      : [status];
}

export async function listMembers(
  ctx: AppContext,
  actor: Actor,
  q: {
    asOf: IsoDate;
    unitId?: number;
    status?: (typeof LIST_STATUSES)[number];
    query?: string;
    sex?: string;
    after?: { sortKey: string; id: number };
    limit: number;
    /** LARGE_SUBTREE_UNITS, lower in tests: a subtree of a few units searched as a large one. */
    largeSubtreeUnits?: number;
  },
): Promise<MemberListRow[]> {
  const scope = requireScope(actor, 'members.read');
  if (q.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, q.unitId, q.asOf)))
    throw new AppError('unit_not_found', { params: { unit: `#${q.unitId}` } });
  const statuses = statusesOf(q.status);
  const text = q.query?.trim() ?? '';
  const search: { name?: string; nationalId?: string; birthDate?: IsoDate } = {};
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) search.birthDate = text;
  else if (dmy) search.birthDate = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  else if (/^\S*\d\S*$/u.test(text)) {
    // One word with digits: a card number; and a national ID, which is sensitive, so only within
    // the subtrees where the reader may see national IDs.
    const sensitiveScope = scopeFor(actor, 'members.sensitive');
    const byCard = await findMembers(ctx.db, { ...baseQuery(q, scope, statuses), cardNumber: text });
    if (!sensitiveScope || !/^\d{6,}$/.test(text)) return byCard;
    // Both permissions must reach the member: read, and see national IDs.
    const byId = await findMembers(ctx.db, {
      ...baseQuery(q, scope, statuses),
      nationalId: text,
      alsoWithin: sensitiveScope,
    });
    if (byId.length)
      await ctx.db.transaction().execute((trx) =>
        recordAudit(trx, actor, {
          action: 'member.read_sensitive',
          entity: { type: 'member', id: byId.length === 1 ? byId[0]!.id : null },
          unitIds: byId.map((m) => m.unitId).filter((u): u is number => u !== null),
          after: { read: 'search by national ID', found: byId.map((m) => m.id) },
        }),
      );
    const seen = new Set(byCard.map((m) => m.id));
    return [...byCard, ...byId.filter((m) => !seen.has(m.id))].slice(0, q.limit);
  } else if (text) search.name = text;
  // A name search in a large subtree (everywhere, or one that keeps roll-ups or has many units)
  // walks the names in order; anything narrower is found first and sorted (see
  // MemberQuery.walkNames and findMembers). A page without a text is read from member_period
  // whatever the subtree's size: nothing to decide.
  const byNameOnly = search.name !== undefined && q.sex === undefined;
  const largeUnits = q.largeSubtreeUnits ?? LARGE_SUBTREE_UNITS;
  const large =
    byNameOnly &&
    (q.unitId !== undefined
      ? await isLargeSubtree(ctx.db, q.unitId, q.asOf, largeUnits)
      : scope.all || (await everyLargeSubtree(ctx.db, scope.roots, q.asOf, largeUnits)));
  return findMembers(ctx.db, { ...baseQuery(q, scope, statuses), ...search, walkNames: large });
}

/**
 * Units from which a subtree is large enough for its name search to walk the names in order (a
 * commune has 10–25 units, a province 1–3.5 k). A unit keeping roll-ups is large too: roll-ups are
 * kept for 10 k members and more. By roll-ups alone, a province made by a merger into a new unit
 * had none until they were chosen again at the next start, and "nguyen thi" in it sorted every
 * match: 4.0 s at 6 M members.
 */
const LARGE_SUBTREE_UNITS = 200;

export async function isLargeSubtree(
  db: Db,
  unitId: number,
  day: IsoDate,
  largeUnits: number,
): Promise<boolean> {
  if (await hasRollup(db, unitId)) return true;
  const paths = await pathsOn(db, [unitId], day);
  if (paths.length === 0) return false;
  const rows = await sql<{ n: number }>`select count(*)::int as n from (select 1 from unit_tree t
    where t.valid @> ${day}::date and t.path <@ any(${paths}::ltree[]) limit ${largeUnits}) x`.execute(db);
  return rows.rows[0]!.n >= largeUnits;
}

async function everyLargeSubtree(
  db: Db,
  unitIds: readonly number[],
  day: IsoDate,
  largeUnits: number,
): Promise<boolean> {
  for (const id of unitIds) if (!(await isLargeSubtree(db, id, day, largeUnits))) return false;
  return unitIds.length > 0;
}

function baseQuery(
  q: { asOf: IsoDate; unitId?: number; sex?: string; after?: { sortKey: string; id: number }; limit: number },
  scope: Scope,
  statuses: readonly string[],
) {
  return {
    date: q.asOf,
    scope,
    statuses,
    limit: q.limit,
    ...(q.unitId !== undefined && { underUnitId: q.unitId }),
    ...(q.sex !== undefined && { sex: q.sex }),
    ...(q.after && { after: q.after }),
  };
}

// ---------------------------------------------------------------------------------------------
// Reorganizations

/**
 * Members follow their unit when an order ends it: a merge moves them to the successor on the
 * order's date, as a `reorganization` event naming the order, so the timeline says why. Called in
 * the order's transaction, after the tree is rewritten.
 */
export async function followReorganization(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  order: { id: number; effectiveDate: IsoDate; decision: Record<string, unknown> | null },
  touchedUnitIds: readonly number[],
): Promise<Array<{ memberId: number; fromUnitId: number; toUnitId: number }>> {
  const day = order.effectiveDate;
  const before = await findMembersInUnitsOn(trx, touchedUnitIds, addDays(day, -1));
  if (before.length === 0) return [];
  const ended = new Set<number>();
  for (const unitId of new Set(before.map((m) => m.unitId)))
    if (!(await findUnitOn(trx, unitId, day))) ended.add(unitId);
  const moving = before.filter((m) => ended.has(m.unitId));
  if (moving.length === 0) return [];
  // A merge sends everyone to the successor; a split sends each member to the part the order
  // allocates them to (listed, matched by a rule on their record, or the remainder part).
  const destination = new Map<number, number | undefined>();
  for (const unitId of ended) {
    const successor = await findSuccessorOn(trx, unitId, day);
    const members = moving.filter((m) => m.unitId === unitId);
    if (successor !== undefined) {
      for (const m of members) destination.set(m.memberId, successor);
      continue;
    }
    const parts = await findSplitPartsOn(trx, unitId, day);
    if (parts.length === 0) continue;
    const attributes = await findFoldedAttributes(
      trx,
      members.map((m) => m.memberId),
    );
    const folded = new Map<string, string>();
    for (const part of parts)
      if (part.allocation.memberRule)
        folded.set(
          part.allocation.memberRule.contains,
          await foldText(trx, part.allocation.memberRule.contains),
        );
    for (const m of members) {
      const index = allocateMemberToSplitPart(
        parts.map((p) => p.allocation),
        m.memberId,
        (rule) =>
          (attributes.get(m.memberId)?.[rule.field] ?? '').includes(folded.get(rule.contains) ?? '\u0000'),
      );
      destination.set(m.memberId, parts[index]?.successorId);
    }
  }
  const homeless = [...ended].filter((u) =>
    moving.some((m) => m.unitId === u && destination.get(m.memberId) === undefined),
  );
  if (homeless.length) {
    const labels = await unitLabels(trx, homeless);
    throw new AppError('unit_has_members', {
      params: {
        unit: homeless.map((u) => labels.get(u)?.code ?? `#${u}`).join(', '),
        count: moving.filter((m) => homeless.includes(m.unitId) && destination.get(m.memberId) === undefined)
          .length,
      },
    });
  }
  // The moving members are locked first, as every other writer of a member locks its row before
  // its spans and periods: re-derived first, a member whose card was being issued at the same
  // moment (locked, then its periods' version written) deadlocked with the order.
  await lockMembers(
    trx,
    moving.map((m) => m.memberId),
  );
  const ruleSet = ctx.rules.members.ruleSetOn(day).version;
  await insertEvents(
    trx,
    moving.map((m) => ({
      memberId: m.memberId,
      type: 'reorganization' as const,
      date: day,
      unitId: destination.get(m.memberId)!,
      details: { orderId: order.id, fromUnitId: m.unitId },
      decisionNumber: typeof order.decision?.number === 'string' ? order.decision.number : null,
      decisionDate: typeof order.decision?.date === 'string' ? order.decision.date : null,
      decidedBy: typeof order.decision?.issuedBy === 'string' ? order.decision.issuedBy : null,
      note: null,
      ruleSet,
      recordedBy: actor.name,
      orderId: order.id,
    })),
  );
  for (const m of moving) {
    await rederive(trx, ctx, m.memberId);
    await bumpMemberVersion(trx, m.memberId);
  }
  return moving.map((m) => ({
    memberId: m.memberId,
    fromUnitId: m.unitId,
    toUnitId: destination.get(m.memberId)!,
  }));
}

/** Members moving from one unit to another, counted by pair of units. */
export interface MemberMove {
  fromUnitId: number;
  toUnitId: number;
  count: number;
}

export function summarizeMoves(moves: ReadonlyArray<{ fromUnitId: number; toUnitId: number }>): MemberMove[] {
  const counts = new Map<string, MemberMove>();
  for (const m of moves) {
    const key = `${m.fromUnitId}>${m.toUnitId}`;
    const entry = counts.get(key) ?? { fromUnitId: m.fromUnitId, toUnitId: m.toUnitId, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** A cell needs at least this many official members (Charter art. 21 and 24). */
const MINIMUM_OFFICIAL_MEMBERS = 3;

/** The member units among these, live on the day, with fewer official members than a cell needs. */
export async function smallMemberUnits(
  db: Db,
  ctx: AppContext,
  unitIds: readonly number[],
  day: IsoDate,
): Promise<Array<{ unitId: number; code: string; officialMembers: number }>> {
  const kinds = ctx.rules.members.pack.memberUnitKinds;
  if (unitIds.length === 0 || kinds.length === 0) return [];
  const rows = await sql<{ unitId: number; code: string; officialMembers: number }>`
    select v.unit_id as "unitId", v.code,
      (select count(*)::int from member_span s where s.unit_id = v.unit_id and s.valid @> ${day}::date
        and s.status = 'official') as "officialMembers"
    from unit_version v
    where v.unit_id = any(${[...unitIds]}::bigint[]) and v.superseded_at is null and v.valid @> ${day}::date
      and v.kind = any(${[...kinds]}::text[])`.execute(db);
  return rows.rows.filter((r) => r.officialMembers < MINIMUM_OFFICIAL_MEMBERS);
}
