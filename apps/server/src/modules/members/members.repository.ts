import type {
  Deadline,
  EventDetails,
  IsoDate,
  MemberAllocationRule,
  MemberEventType,
  MemberSpan,
  SplitAllocation,
} from '@rollbook/domain';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Scope } from '../access/actor.js';
import { pathInScope, unitVisible } from '../access/scope.js';
import type { Db } from '../units/units.repository.js';

/** The personal record's fields, as the API names them. */
export interface MemberRecordFields {
  fullName: string;
  birthName: string | null;
  otherNames: string | null;
  sex: string | null;
  birthDate: IsoDate | null;
  birthPlace: string | null;
  homeTown: string | null;
  residence: string | null;
  ethnicity: string | null;
  religion: string | null;
  nationalId: string | null;
  education: string | null;
  profession: string | null;
  phone: string | null;
  email: string | null;
  custom: Record<string, unknown>;
}

export const RECORD_FIELDS = [
  'fullName',
  'birthName',
  'otherNames',
  'sex',
  'birthDate',
  'birthPlace',
  'homeTown',
  'residence',
  'ethnicity',
  'religion',
  'nationalId',
  'education',
  'profession',
  'phone',
  'email',
  'custom',
] as const satisfies ReadonlyArray<keyof MemberRecordFields>;

export interface MemberRecordRow extends MemberRecordFields {
  id: number;
  memberId: number;
  validFrom: IsoDate | null;
  validTo: IsoDate | null;
  recordedAt: string;
  recordedBy: string;
  supersededAt: string | null;
}

const recordColumns = sql`r.id, r.member_id as "memberId", to_char(lower(r.valid), 'YYYY-MM-DD') as "validFrom",
  to_char(upper(r.valid), 'YYYY-MM-DD') as "validTo", r.full_name as "fullName",
  r.birth_name as "birthName", r.other_names as "otherNames", r.sex, to_char(r.birth_date, 'YYYY-MM-DD') as "birthDate",
  r.birth_place as "birthPlace", r.home_town as "homeTown", r.residence, r.ethnicity, r.religion,
  r.national_id as "nationalId", r.education, r.profession, r.phone, r.email, r.custom,
  to_json(r.recorded_at) #>> '{}' as "recordedAt", r.recorded_by as "recordedBy",
  to_json(r.superseded_at) #>> '{}' as "supersededAt"`;

type RawRecord = MemberRecordRow;
const toRecord = (row: RawRecord): MemberRecordRow => row;

export async function lockMember(trx: Transaction<Database>, memberId: number): Promise<number | undefined> {
  const row = await sql<{
    version: number;
  }>`select version from member where id = ${memberId} for update`.execute(trx);
  return row.rows[0]?.version;
}

/**
 * Locks several members' rows in id order, as a writer of many members does before their spans and
 * periods: in any other order, two such writers (or one and a single member's write) could deadlock.
 */
export async function lockMembers(trx: Transaction<Database>, memberIds: readonly number[]): Promise<void> {
  await sql`select id from member where id = any(${[...memberIds]}::bigint[]) order by id for update`.execute(
    trx,
  );
}

export async function insertMember(trx: Transaction<Database>): Promise<number> {
  const row = await sql<{ id: number }>`insert into member default values returning id`.execute(trx);
  return row.rows[0]!.id;
}

export async function bumpMemberVersion(trx: Transaction<Database>, memberId: number): Promise<number> {
  const row = await sql<{ version: number }>`
    update member set version = version + 1, updated_at = now() where id = ${memberId} returning version`.execute(
    trx,
  );
  return row.rows[0]!.version;
}

export async function memberVersion(db: Db, memberId: number): Promise<number | undefined> {
  const row = await sql<{ version: number }>`select version from member where id = ${memberId}`.execute(db);
  return row.rows[0]?.version;
}

/** Writes a record version valid over [from, to) (from null: from the start of the record). */
export async function insertRecord(
  trx: Transaction<Database>,
  memberId: number,
  fields: MemberRecordFields,
  valid: { from: IsoDate | null; to: IsoDate | null },
  recordedBy: string,
): Promise<void> {
  await sql`insert into member_record (member_id, valid, full_name, birth_name, other_names, sex, birth_date,
      birth_place, home_town, residence, ethnicity, religion, national_id, education, profession, phone, email,
      custom, recorded_by)
    values (${memberId}, daterange(${valid.from}::date, ${valid.to}::date, '[)'), ${fields.fullName},
      ${fields.birthName}, ${fields.otherNames}, ${fields.sex}, ${fields.birthDate}::date, ${fields.birthPlace},
      ${fields.homeTown}, ${fields.residence}, ${fields.ethnicity}, ${fields.religion}, ${fields.nationalId},
      ${fields.education}, ${fields.profession}, ${fields.phone}, ${fields.email}, ${JSON.stringify(fields.custom)}::jsonb,
      ${recordedBy})`.execute(trx);
}

/** Marks a record version as replaced (a correction or a change that closes it). */
export async function supersedeRecord(trx: Transaction<Database>, recordId: number): Promise<void> {
  await sql`update member_record set superseded_at = now() where id = ${recordId}`.execute(trx);
}

export async function findRecordOn(
  db: Db,
  memberId: number,
  date: IsoDate,
): Promise<MemberRecordRow | undefined> {
  const rows = await sql<RawRecord>`select ${recordColumns} from member_record r
    where r.member_id = ${memberId} and r.superseded_at is null and r.valid @> ${date}::date`.execute(db);
  return rows.rows[0] && toRecord(rows.rows[0]);
}

/** The latest live record version (the record as it now reads, for its last period). */
export async function findLatestRecord(db: Db, memberId: number): Promise<MemberRecordRow | undefined> {
  const rows = await sql<RawRecord>`select ${recordColumns} from member_record r
    where r.member_id = ${memberId} and r.superseded_at is null
    order by upper(r.valid) desc nulls first limit 1`.execute(db);
  return rows.rows[0] && toRecord(rows.rows[0]);
}

export async function findRecordHistory(
  db: Db,
  memberId: number,
  includeSuperseded: boolean,
): Promise<MemberRecordRow[]> {
  const rows = await sql<RawRecord>`select ${recordColumns} from member_record r
    where r.member_id = ${memberId} and (${includeSuperseded} or r.superseded_at is null)
    order by lower(r.valid) nulls first, r.id`.execute(db);
  return rows.rows.map(toRecord);
}

/** Another member holding the national ID now, if any. */
export async function findNationalIdHolder(
  db: Db,
  nationalId: string,
  exceptMemberId: number | null,
): Promise<number | undefined> {
  const rows = await sql<{ memberId: number }>`select member_id as "memberId" from member_record
    where national_id = ${nationalId} and superseded_at is null and upper_inf(valid)
      and member_id is distinct from ${exceptMemberId}`.execute(db);
  return rows.rows[0]?.memberId;
}

export interface MemberEventRow {
  id: number;
  memberId: number;
  type: MemberEventType;
  date: IsoDate;
  unitId: number | null;
  details: EventDetails;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  decidedBy: string | null;
  note: string | null;
  ruleSet: string;
  recordedAt: string;
  recordedBy: string;
  orderId: number | null;
  correctsEventId: number | null;
  correctedAt: string | null;
  correctionReason: string | null;
  /** The duplicate record this event came from, when two records were merged. */
  mergedFromMemberId: number | null;
}

const eventColumns = sql`e.id, e.member_id as "memberId", e.type, to_char(e.event_date, 'YYYY-MM-DD') as date,
  e.unit_id as "unitId", e.details, e.decision_number as "decisionNumber",
  to_char(e.decision_date, 'YYYY-MM-DD') as "decisionDate", e.decided_by as "decidedBy", e.note,
  e.rule_set as "ruleSet", to_json(e.recorded_at) #>> '{}' as "recordedAt", e.recorded_by as "recordedBy",
  e.order_id as "orderId", e.corrects_event_id as "correctsEventId", to_json(e.corrected_at) #>> '{}' as "correctedAt",
  e.correction_reason as "correctionReason", e.merged_from_member_id as "mergedFromMemberId"`;

export async function findEvents(
  db: Db,
  memberId: number,
  includeCorrected: boolean,
): Promise<MemberEventRow[]> {
  const rows = await sql<MemberEventRow>`select ${eventColumns} from member_event e
    where e.member_id = ${memberId} and (${includeCorrected} or e.corrected_at is null)
    order by e.event_date, e.id`.execute(db);
  return rows.rows;
}

/** The events of many members at once, by member, each in date and id order (imports check and write thousands). */
export async function findEventsOfMembers(
  db: Db,
  memberIds: readonly number[],
  includeCorrected: boolean,
): Promise<Map<number, MemberEventRow[]>> {
  const byMember = new Map<number, MemberEventRow[]>(memberIds.map((id) => [id, []]));
  if (memberIds.length === 0) return byMember;
  const rows = await sql<MemberEventRow>`select ${eventColumns} from member_event e
    where e.member_id = any(${memberIds}::bigint[]) and (${includeCorrected} or e.corrected_at is null)
    order by e.member_id, e.event_date, e.id`.execute(db);
  for (const row of rows.rows) byMember.get(Number(row.memberId))?.push(row);
  return byMember;
}

/** The latest record of many members at once (findLatestRecord for each). */
export async function findLatestRecords(
  db: Db,
  memberIds: readonly number[],
): Promise<Map<number, MemberRecordRow>> {
  if (memberIds.length === 0) return new Map();
  const rows = await sql<RawRecord>`select distinct on (r.member_id) ${recordColumns} from member_record r
    where r.member_id = any(${memberIds}::bigint[]) and r.superseded_at is null
    order by r.member_id, upper(r.valid) desc nulls first`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.memberId), toRecord(r)]));
}

export interface NewEvent {
  memberId: number;
  type: MemberEventType;
  date: IsoDate;
  unitId: number | null;
  details: EventDetails;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  decidedBy: string | null;
  note: string | null;
  ruleSet: string;
  recordedBy: string;
  orderId?: number | null;
  correctsEventId?: number | null;
}

export async function insertEvents(
  trx: Transaction<Database>,
  events: readonly NewEvent[],
): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await sql<{ id: number }>`
    insert into member_event (member_id, type, event_date, unit_id, details, decision_number, decision_date,
      decided_by, note, rule_set, recorded_by, order_id, corrects_event_id)
    select * from unnest(${events.map((e) => e.memberId)}::bigint[], ${events.map((e) => e.type)}::text[],
      ${events.map((e) => e.date)}::date[], ${events.map((e) => e.unitId)}::bigint[],
      ${events.map((e) => JSON.stringify(e.details))}::jsonb[], ${events.map((e) => e.decisionNumber)}::text[],
      ${events.map((e) => e.decisionDate)}::date[], ${events.map((e) => e.decidedBy)}::text[],
      ${events.map((e) => e.note)}::text[], ${events.map((e) => e.ruleSet)}::text[],
      ${events.map((e) => e.recordedBy)}::text[], ${events.map((e) => e.orderId ?? null)}::bigint[],
      ${events.map((e) => e.correctsEventId ?? null)}::bigint[])
    returning id`.execute(trx);
  return rows.rows.map((r) => r.id);
}

export async function markEventCorrected(
  trx: Transaction<Database>,
  eventId: number,
  reasonText: string,
): Promise<void> {
  await sql`update member_event set corrected_at = now(), correction_reason = ${reasonText} where id = ${eventId}`.execute(
    trx,
  );
}

/** Rewrites the derived spans and deadlines of one member from a fresh replay. */
export async function writeDerived(
  trx: Transaction<Database>,
  memberId: number,
  spans: readonly MemberSpan[],
  deadlines: readonly Deadline[],
): Promise<void> {
  await writeDerivedOfMembers(trx, [{ memberId, spans, deadlines }]);
}

/** The same for many members in four statements (the events import re-derives a thousand at a time). */
export async function writeDerivedOfMembers(
  trx: Transaction<Database>,
  derived: ReadonlyArray<{ memberId: number; spans: readonly MemberSpan[]; deadlines: readonly Deadline[] }>,
): Promise<void> {
  if (derived.length === 0) return;
  const ids = derived.map((d) => d.memberId);
  await sql`delete from member_span where member_id = any(${ids}::bigint[])`.execute(trx);
  await sql`delete from member_deadline where member_id = any(${ids}::bigint[])`.execute(trx);
  const spans = derived.flatMap((d) => d.spans.map((span) => ({ memberId: d.memberId, ...span })));
  if (spans.length > 0) {
    await sql`insert into member_span (member_id, valid, status, unit_id, exit_reason, exempted, suspended,
        transfer_to_unit_id, host_unit_id)
      select m, daterange(f, t, '[)'), st, u, x, ex, su, tr, ho
      from unnest(${spans.map((s) => s.memberId)}::bigint[], ${spans.map((s) => s.from)}::date[],
        ${spans.map((s) => s.to)}::date[], ${spans.map((s) => s.status)}::text[], ${spans.map((s) => s.unitId)}::bigint[],
        ${spans.map((s) => s.exitReason)}::text[], ${spans.map((s) => s.exempted)}::boolean[],
        ${spans.map((s) => s.suspended)}::boolean[], ${spans.map((s) => s.transferToUnitId)}::bigint[],
        ${spans.map((s) => s.hostUnitId)}::bigint[]) as x (m, f, t, st, u, x, ex, su, tr, ho)`.execute(trx);
  }
  const deadlines = derived.flatMap((d) =>
    d.deadlines.map((deadline) => ({ memberId: d.memberId, ...deadline })),
  );
  if (deadlines.length > 0) {
    await sql`insert into member_deadline (member_id, kind, since, due)
      select m, k, s, d from unnest(${deadlines.map((d) => d.memberId)}::bigint[], ${deadlines.map((d) => d.kind)}::text[],
        ${deadlines.map((d) => d.since)}::date[], ${deadlines.map((d) => d.due)}::date[]) as x (m, k, s, d)`.execute(
      trx,
    );
  }
}

/**
 * SQL: the member may be shown when asked about on the day: the span nearest that day (the one in
 * force, else the last before, else the first after) names a unit — where they belong, or where
 * they are being transferred to — that the reader may see then.
 */
export function memberVisible(scope: Scope, memberId: unknown, day: IsoDate) {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`exists (
    select 1 from (
      select s.unit_id, s.transfer_to_unit_id, s.host_unit_id from member_span s where s.member_id = ${memberId}
      order by case when s.valid @> ${day}::date then 0
        when lower(s.valid) > ${day}::date then lower(s.valid) - ${day}::date
        else ${day}::date - (upper(s.valid) - 1) end
      limit 1
    ) near
    where ${unitVisible(scope, sql`near.unit_id`, sql`${day}::date`)}
      or (near.transfer_to_unit_id is not null and ${unitVisible(scope, sql`near.transfer_to_unit_id`, sql`${day}::date`)})
      or (near.host_unit_id is not null and ${unitVisible(scope, sql`near.host_unit_id`, sql`${day}::date`)}))`;
}

export async function isMemberVisible(
  db: Db,
  scope: Scope,
  memberId: number,
  day: IsoDate,
): Promise<boolean> {
  // A record merged into another exists only through the member it was merged into.
  const rows = await sql<{ ok: boolean }>`select ${memberVisible(scope, memberId, day)} as ok
    from member where id = ${memberId} and merged_into_id is null`.execute(db);
  return rows.rows[0]?.ok === true;
}

/** SQL: the unit stood inside the scope on the day (a writer's reach). */
export function unitWithin(scope: Scope, unitId: number, day: IsoDate) {
  return sql<boolean>`exists (select 1 from unit_tree t where t.unit_id = ${unitId} and t.valid @> ${day}::date
    and ${pathInScope(scope, sql`t.path`, day)})`;
}

export async function isUnitWithin(db: Db, scope: Scope, unitId: number, day: IsoDate): Promise<boolean> {
  if (scope.all) return true;
  const rows = await sql<{ ok: boolean }>`select ${unitWithin(scope, unitId, day)} as ok`.execute(db);
  return rows.rows[0]?.ok === true;
}

/** A unit's kind, code and name on a day, if it was live then. */
export async function findUnitOn(
  db: Db,
  unitId: number,
  day: IsoDate,
): Promise<{ id: number; kind: string; code: string; name: string } | undefined> {
  const rows = await sql<{ id: number; kind: string; code: string; name: string }>`
    select unit_id as id, kind, code, name from unit_version
    where unit_id = ${unitId} and superseded_at is null and valid @> ${day}::date`.execute(db);
  return rows.rows[0];
}

/** Where a unit's members went when it ended: its merge successor live on the day, if one. */
export async function findSuccessorOn(db: Db, unitId: number, day: IsoDate): Promise<number | undefined> {
  const rows = await sql<{ id: number }>`
    with recursive down (id, depth) as (
      select successor_id, 1 from unit_lineage where predecessor_id = ${unitId} and kind = 'merge' and superseded_at is null
      union
      select l.successor_id, down.depth + 1 from unit_lineage l join down on l.predecessor_id = down.id
      where l.kind = 'merge' and l.superseded_at is null and down.depth < 50
    )
    select down.id from down join unit_version v on v.unit_id = down.id and v.superseded_at is null
      and v.valid @> ${day}::date
    order by down.depth limit 1`.execute(db);
  return rows.rows[0]?.id;
}

/** The parts a unit was split into on the day, in part order, with the allocation the order gave. */
export async function findSplitPartsOn(
  db: Db,
  unitId: number,
  day: IsoDate,
): Promise<Array<{ successorId: number; allocation: SplitAllocation }>> {
  const rows = await sql<{ successorId: number; allocation: SplitAllocation | null }>`
    select successor_id as "successorId", allocation from unit_lineage
    where predecessor_id = ${unitId} and kind = 'split' and superseded_at is null and effective_date = ${day}::date
    order by id`.execute(db);
  return rows.rows.map((r) => ({
    successorId: r.successorId,
    allocation: r.allocation ?? { childIds: [], takesRemainder: false },
  }));
}

/** Record fields a split rule may test, folded like names (case and diacritics ignored). */
export async function findFoldedAttributes(
  db: Db,
  memberIds: readonly number[],
): Promise<Map<number, Record<MemberAllocationRule['field'], string>>> {
  if (memberIds.length === 0) return new Map();
  const rows = await sql<{
    memberId: number;
    residence: string;
    homeTown: string;
    birthPlace: string;
    profession: string;
  }>`
    select distinct on (member_id) member_id as "memberId", rb_fold(coalesce(residence, '')) as residence,
      rb_fold(coalesce(home_town, '')) as "homeTown", rb_fold(coalesce(birth_place, '')) as "birthPlace",
      rb_fold(coalesce(profession, '')) as profession
    from member_record where member_id = any(${[...memberIds]}::bigint[]) and superseded_at is null
    order by member_id, upper(valid) desc nulls first`.execute(db);
  return new Map(rows.rows.map(({ memberId, ...fields }) => [memberId, fields]));
}

export async function foldText(db: Db, text: string): Promise<string> {
  const rows = await sql<{ folded: string }>`select rb_fold(${text}) as folded`.execute(db);
  return rows.rows[0]!.folded;
}

/** Code and name of units as they last stood (for labels in lists and timelines). */
export async function unitLabels(
  db: Db,
  unitIds: readonly (number | null)[],
): Promise<Map<number, { code: string; name: string }>> {
  const ids = [...new Set(unitIds.filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; code: string; name: string }>`
    select distinct on (unit_id) unit_id as id, code, name from unit_version
    where unit_id = any(${ids}::bigint[]) and superseded_at is null
    order by unit_id, upper(valid) desc nulls first`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}

export interface MemberListRow {
  id: number;
  version: number;
  fullName: string;
  sex: string | null;
  birthDate: IsoDate | null;
  status: string;
  exitReason: string | null;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  exempted: boolean;
  suspended: boolean;
  transferToUnitId: number | null;
  sortKey: string;
}

export interface MemberQuery {
  date: IsoDate;
  scope: Scope;
  /** The subtree (as it stood on the date, or its predecessors) to list; all of the scope when absent. */
  underUnitId?: number;
  statuses: readonly string[];
  name?: string;
  nationalId?: string;
  /** A second scope the member's unit must also lie in (national-ID search: members.sensitive). */
  alsoWithin?: Scope;
  /** Any card the member ever held, old or new (numbers are compared without regard to case). */
  cardNumber?: string;
  birthDate?: IsoDate;
  sex?: string;
  after?: { sortKey: string; id: number };
  limit: number;
  /**
   * A large subtree searched by name: the names starting with the text are walked in order
   * (member_period) and stop after a page, and only if they do not fill it are the names containing
   * it elsewhere found. Otherwise a search's matches are found first and sorted, both groups at once.
   */
  walkNames?: boolean;
  /** Lists a subtree's units up to this many (LISTED_UNITS_MAX; tests lower it to take the other path). */
  listedUnitsMax?: number;
}

/** The ltree paths of these units on a day (of their predecessors, for a unit not yet made). */
export async function pathsOn(db: Db, unitIds: readonly number[], day: IsoDate): Promise<string[]> {
  const rows = await sql<{ paths: string[] }>`
    select coalesce(rb_scope_paths(${[...unitIds]}::bigint[], ${day}::date)::text[], '{}') as paths`.execute(
    db,
  );
  return rows.rows[0]?.paths ?? [];
}

/**
 * SQL: the path lies in the unit's subtree (if given) and in the scope, on a day. The paths are
 * looked up first and passed as values: written as a function call inside the query, the planner
 * may evaluate it once per row of unit_tree (the national-scale bench saw minutes).
 */
export async function withinSubtreeOn(
  db: Db,
  path: RawBuilder<unknown>,
  day: IsoDate,
  where: { unitId?: number; scope: Scope },
): Promise<RawBuilder<boolean>> {
  const parts: RawBuilder<boolean>[] = [];
  if (where.unitId !== undefined)
    parts.push(sql<boolean>`${path} <@ any(${await pathsOn(db, [where.unitId], day)}::ltree[])`);
  if (!where.scope.all)
    parts.push(sql<boolean>`${path} <@ any(${await pathsOn(db, where.scope.roots, day)}::ltree[])`);
  return parts.length ? sql<boolean>`(${sql.join(parts, sql` and `)})` : sql<boolean>`true`;
}

/**
 * Which names a query keeps, and how its rows sort: names that start with the text come first
 * (sort key "0" + name), then names that contain it elsewhere ("1" + name); without a text, the
 * name alone. Names compare byte by byte (collation "C"), the same on every server whatever its
 * locale, which lets a prefix be a range of the name index.
 */
type NameTier = 'starting' | 'containing' | 'both' | 'containingWalk';

/**
 * How many names of member_record_by_name_non_ascii the second tier of a search in another script
 * reads in order at a time (`findContainingNonAscii`).
 */
const CONTAINING_WALK = 5000;
/**
 * Fewer matches than this among CONTAINING_WALK names: the text is rare among them, and the trigram
 * index finds the rest of them more cheaply than reading on.
 */
const CONTAINING_DENSE = 50;

/**
 * Members whose unit on the date lies in the subtree and the scope, in name order (a name search:
 * names starting with the text first, then names containing it).
 *
 * A page without a text comes from member_period (findMembersByPeriod). A large subtree's search
 * (`walkNames`) takes the names that start with the text the same way, as a range of its name
 * index walked in order; only when they do not fill the page are the names containing it elsewhere
 * found through the trigram index and sorted. At 6 M members, sorting every match of a common name
 * ("nguyen van an") took 0.7–3.6 s.
 */
export async function findMembers(db: Db, q: MemberQuery): Promise<MemberListRow[]> {
  if (!q.name) return findMembersPage(db, q, null);
  const folded = await foldText(db, q.name);
  if (!q.walkNames) return findMembersPage(db, q, { folded, tier: 'both' });
  // A cursor in the second tier has passed every name that starts with the text.
  const starting =
    q.after && !q.after.sortKey.startsWith('0')
      ? []
      : await findMembersPage(db, q, { folded, tier: 'starting' });
  if (starting.length >= q.limit) return starting;
  const rest = { ...q, limit: q.limit - starting.length };
  const containing = isNonAscii(folded)
    ? await findContainingNonAscii(db, rest, folded)
    : await findMembersPage(db, rest, { folded, tier: 'containing' });
  return [...starting, ...containing];
}

/**
 * Folded text with a character outside ASCII, as `octet_length <> length` tells in SQL (folded
 * Vietnamese and Turkish are ASCII; Arabic script, Devanagari… are not).
 */
function isNonAscii(folded: string): boolean {
  return /\P{ASCII}/u.test(folded);
}

/**
 * The second tier of a search for a text in another script than Latin ("كريمي"): names that contain
 * it after their start. Such names are few in the register but the text is common among them — a
 * Persian or Arabic surname comes after the given name, so nearly every match is in this tier — and
 * taking them through the trigram index read and placed every one of them before sorting (16 k
 * matches for "کریمی", 0.5–1 s at 6 M members). A name containing the text has a letter outside
 * ASCII, so it is in member_record_by_name_non_ascii (3 % of names): that index is read in name
 * order, CONTAINING_WALK names at a time, keeping those that contain the text, until a page is
 * full. A stretch with matches but too few of them visible (a province sees 1/34 of them) is
 * followed by the next; a stretch with hardly any match says the text is rare among these names,
 * and the rest of the tier (names after the last one read) is taken through the trigram index, as
 * for any other text.
 */
async function findContainingNonAscii(db: Db, q: MemberQuery, folded: string): Promise<MemberListRow[]> {
  const found: MemberListRow[] = [];
  let from = q;
  for (;;) {
    const rest = { ...from, limit: q.limit - found.length };
    found.push(...(await findMembersPage(db, rest, { folded, tier: 'containingWalk' })));
    if (found.length >= q.limit) return found;
    const rows = await sql<{ n: number; matches: number; name: string; memberId: number }>`
      select count(*) over ()::int as n, (count(*) filter (where strpos(w.name, ${folded}) > 1) over ())::int as matches,
        w.name, w.member_id as "memberId"
      from ${containingWalkChunk(rest)} w
      order by w.name desc, w.member_id desc
      limit 1`.execute(db);
    const last = rows.rows[0];
    // Every name after the cursor was read: the tier is complete.
    if (!last || last.n < CONTAINING_WALK) return found;
    from = { ...q, after: { sortKey: `1${last.name}`, id: last.memberId } };
    if (last.matches < CONTAINING_DENSE) {
      const tail = { ...from, limit: q.limit - found.length };
      return [...found, ...(await findMembersPage(db, tail, { folded, tier: 'containing' }))];
    }
  }
}

/**
 * SQL: the next CONTAINING_WALK non-ASCII names (record versions, with their days) after the cursor,
 * in name order, read from member_record_by_name_non_ascii alone. The index's condition is written
 * out as it is in the migration, so that the planner knows the index holds every row asked for.
 */
function containingWalkChunk(q: MemberQuery) {
  const after =
    q.after && q.after.sortKey.startsWith('1')
      ? sql`(c.search_text collate "C", c.member_id) > (${q.after.sortKey.slice(1)} collate "C", ${q.after.id})`
      : sql`true`;
  return sql`(select c.member_id, c.search_text collate "C" as name, c.valid from member_record c
    where c.superseded_at is null and octet_length(c.search_text) <> length(c.search_text) and ${after}
    order by c.search_text collate "C", c.member_id
    limit ${CONTAINING_WALK})`;
}

async function findMembersPage(
  db: Db,
  q: MemberQuery,
  search: { folded: string; tier: NameTier } | null,
): Promise<MemberListRow[]> {
  // A page in name order, or the names starting with a text: member_period alone chooses the page.
  // What else a page can be asked for (a national ID, a card, a birth date) is on the record.
  const byRecordField =
    q.nationalId !== undefined || q.cardNumber !== undefined || q.birthDate !== undefined || q.alsoWithin;
  if (search?.tier === 'starting' || (!search && !byRecordField))
    return findMembersByPeriod(db, q, search?.folded ?? null);
  const subtree = await withinSubtreeOn(db, sql`t.path`, q.date, {
    scope: q.scope,
    ...(q.underUnitId !== undefined && { unitId: q.underUnitId }),
  });
  const name = sql`r.search_text collate "C"`;
  const folded = search?.folded ?? '';
  const pattern = `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const starts = sql`starts_with(r.search_text, ${folded})`;
  const chunk = search?.tier === 'containingWalk';
  // The walked chunk: contained after the start (strpos > 1 is "contains, and does not start with").
  const filter = !search
    ? sql`true`
    : search.tier === 'containing'
      ? sql`r.search_text like ${pattern} and not ${starts}`
      : chunk
        ? sql`w.valid @> ${q.date}::date and strpos(w.name, ${folded}) > 1`
        : sql`r.search_text like ${pattern}`;
  const sortKey = !search
    ? name
    : search.tier === 'containing' || chunk
      ? sql`'1' || ${name}`
      : sql`(case when ${starts} then '0' else '1' end || ${name}) collate "C"`;
  // The chunk starts after the cursor itself.
  const after =
    !q.after || chunk ? sql`true` : sql`(${sortKey}, m.id) > (${q.after.sortKey} collate "C", ${q.after.id})`;
  // The rows are found first and sorted. The chunk comes in name order: the same order asked of it
  // keeps it, so the page stops early.
  const order = chunk
    ? sql`w.name, w.member_id`
    : search
      ? sql`${sortKey}, m.id`
      : sql`(r.search_text || '') collate "C", m.id`;
  const rows = await sql<MemberListRow>`
    select m.id, m.version, r.full_name as "fullName", r.sex, to_char(r.birth_date, 'YYYY-MM-DD') as "birthDate",
      s.status, s.exit_reason as "exitReason", s.unit_id as "unitId", v.code as "unitCode", v.name as "unitName",
      s.exempted, s.suspended, s.transfer_to_unit_id as "transferToUnitId", ${sortKey} as "sortKey"
    from ${chunk ? sql`${containingWalkChunk(q)} w join member_span s on s.member_id = w.member_id` : sql`member_span s`}
    join member m on m.id = s.member_id
    join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${q.date}::date
    join unit_version v on v.unit_id = s.unit_id and v.superseded_at is null and v.valid @> ${q.date}::date
    join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid @> ${q.date}::date
    where s.valid @> ${q.date}::date
      and s.status = any(${[...q.statuses]}::text[])
      and ${subtree}
      and ${q.alsoWithin ? await withinSubtreeOn(db, sql`t.path`, q.date, { scope: q.alsoWithin }) : sql`true`}
      and ${filter}
      and ${
        q.nationalId === undefined && q.cardNumber === undefined
          ? sql`true`
          : sql`(${q.nationalId === undefined ? sql`false` : sql`r.national_id = ${q.nationalId}`}
              or ${
                q.cardNumber === undefined
                  ? sql`false`
                  : sql`exists (select 1 from member_card c where c.member_id = m.id and upper(c.number) = upper(${q.cardNumber}))`
              })`
      }
      and ${q.birthDate === undefined ? sql`true` : sql`r.birth_date = ${q.birthDate}::date`}
      and ${q.sex === undefined ? sql`true` : sql`r.sex = ${q.sex}`}
      and ${after}
    order by ${order}
    limit ${q.limit}`.execute(db);
  return rows.rows;
}

/**
 * Above this many units, a subtree's page tests each walked entry's unit against the tree instead
 * of a list of the units. Planning `= any(list)` costs about a microsecond per unit (the whole
 * organization's 60 k: 70 ms), a probe of unit_tree about 11 µs per entry walked; a walk reads
 * about a page × (units standing ÷ units of the subtree) entries, so the two meet near 5,000 units
 * (60 k units in all; measured at 6.3 M members).
 */
const LISTED_UNITS_MAX = 5000;

/**
 * SQL (`p` being a member_period): the period's unit stands in the tree on the day and meets
 * `within` (a condition on its path `t.path`, from withinSubtreeOn: the subtree asked for and the
 * reader's scope; null for the whole organization) — tested against the list of those units when
 * there are few enough of them (`listed`, with their number in `units`), by a probe of its tree row
 * otherwise. Null when no unit stands there.
 */
export async function periodInSubtree(
  db: Db,
  day: IsoDate,
  within: RawBuilder<boolean> | null,
  listedMax = LISTED_UNITS_MAX,
): Promise<{ test: RawBuilder<boolean>; listed: boolean; units: number } | null> {
  const inTree = sql<boolean>`t.valid @> ${day}::date and ${within ?? sql<boolean>`true`}`;
  if (within) {
    const units = await sql<{ id: number }>`select t.unit_id as id from unit_tree t
      where ${inTree} limit ${listedMax + 1}`.execute(db);
    if (units.rows.length === 0) return null;
    if (units.rows.length <= listedMax)
      return {
        test: sql<boolean>`p.unit_id = any(${units.rows.map((r) => Number(r.id))}::bigint[])`,
        listed: true,
        units: units.rows.length,
      };
  }
  return {
    test: sql<boolean>`exists (select 1 from unit_tree t where t.unit_id = p.unit_id and ${inTree})`,
    listed: false,
    units: Infinity,
  };
}

/**
 * A page of members in name order, unfiltered or by the start of their name, read from
 * member_period (0021, ADR 0008): the page's members are chosen from that table alone — its name
 * index walked in order for a large subtree, testing each entry's unit against the subtree
 * (periodInSubtree), or its unit index for a small one — and only their rows are then read for the
 * columns shown (0024), with their unit's name. The same rows, in the same order, as
 * findMembersPage's join of spans, records and tree rows.
 */
async function findMembersByPeriod(
  db: Db,
  q: MemberQuery,
  startsWith: string | null,
): Promise<MemberListRow[]> {
  const within =
    q.underUnitId === undefined && q.scope.all
      ? null
      : await withinSubtreeOn(db, sql`t.path`, q.date, {
          scope: q.scope,
          ...(q.underUnitId !== undefined && { unitId: q.underUnitId }),
        });
  const subtree = await periodInSubtree(db, q.date, within, q.listedUnitsMax);
  // No unit stands in the subtree on the day.
  if (!subtree) return [];
  const starts =
    startsWith === null ? sql`true` : sql`p.name >= ${startsWith} and p.name < ${`${startsWith}\u{10FFFF}`}`;
  const cursorKey = q.after && (startsWith === null ? q.after.sortKey : q.after.sortKey.slice(1));
  const after = q.after ? sql`(p.name, p.member_id) > (${cursorKey} collate "C", ${q.after.id})` : sql`true`;
  const sortKey = startsWith === null ? sql`page.name` : sql`'0' || page.name`;
  // The page's rows are taken back by the key the walk read (member, days): one probe of
  // member_period_by_member and one heap row each, where the span, the record and the member row
  // cost three probes (0024).
  const rows = await sql<MemberListRow>`
    with page as materialized (
      select p.member_id, p.valid, p.name
      from member_period p
      where p.valid @> ${q.date}::date
        and p.status = any(${[...q.statuses]}::text[])
        and ${subtree.test}
        and ${q.sex === undefined ? sql`true` : sql`p.sex = ${q.sex}`}
        and ${starts}
        and ${after}
      order by p.name, p.member_id
      limit ${q.limit}
    )
    select p.member_id as id, p.version, p.full_name as "fullName", p.sex, to_char(p.birth_date, 'YYYY-MM-DD') as "birthDate",
      p.status, p.exit_reason as "exitReason", p.unit_id as "unitId", v.code as "unitCode", v.name as "unitName",
      p.exempted, p.suspended, p.transfer_to_unit_id as "transferToUnitId", ${sortKey} as "sortKey"
    from page
    join member_period p on p.member_id = page.member_id and p.valid = page.valid
    join unit_version v on v.unit_id = p.unit_id and v.superseded_at is null and v.valid @> ${q.date}::date
    order by page.name, page.member_id`.execute(db);
  return rows.rows;
}

/** Current span (in force on the day) of several members, for the reorganization hook. */
export async function findMembersInUnitsOn(
  db: Db,
  unitIds: readonly number[],
  day: IsoDate,
): Promise<Array<{ memberId: number; unitId: number }>> {
  if (unitIds.length === 0) return [];
  const rows = await sql<{ memberId: number; unitId: number }>`
    select member_id as "memberId", unit_id as "unitId" from member_span
    where unit_id = any(${[...unitIds]}::bigint[]) and valid @> ${day}::date
      and status in ('applicant', 'admitted', 'probationary', 'official')`.execute(db);
  return rows.rows;
}
