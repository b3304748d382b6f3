import {
  addDays,
  addMonths,
  addWorkingDays,
  type Deadline,
  type EventDetails,
  type IsoDate,
  type LifecycleEvent,
  type MemberEventType,
  type MemberRules,
  type MemberSpan,
  replayLifecycle,
  type SpanState,
} from '@rollbook/domain';
import { sql } from 'kysely';
import { findEvents } from '../modules/members/members.repository.js';
import type { Db } from '../modules/units/units.repository.js';
import { homeProvince, personName, placeName, PROFESSIONS } from './names.js';
import { Prng } from './prng.js';

/** Who the generated rows say recorded them. */
const RECORDED_BY = 'bench:generate-members';

/** Share of members named in Persian, Arabic, Turkish or Hindi script. */
const OTHER_SCRIPT_SHARE = 0.04;

/** Members with no national ID on the record (older records, never captured). */
const NO_NATIONAL_ID_SHARE = 0.06;

/** The member tables, and the tables whose foreign keys point at them. */
const MEMBER_TABLES = [
  'member',
  'member_record',
  'member_event',
  'member_span',
  'member_deadline',
  'member_period',
];

export interface MemberGenOptions {
  members: number;
  seed: number;
  today: IsoDate;
  /** Members per insert batch (one `INSERT … SELECT FROM unnest` per table and batch). */
  batchSize: number;
  /**
   * Members read back from the database and replayed to check the derived rows (0 skips it); 25
   * times as many are replayed in memory, with every rule checked, as they are drawn.
   */
  verifySample: number;
  /** `maintenance_work_mem` for rebuilding the indexes after the load. */
  maintenanceWorkMem: string;
  log: (message: string) => void;
}

export interface MemberGeneration {
  members: number;
  rows: {
    member: number;
    memberRecord: number;
    memberEvent: number;
    memberSpan: number;
    memberDeadline: number;
  };
  /** Member-kind units (cells) the members were spread over. */
  cells: number;
  /** Events by type, and today's status of the generated members (from the replay). */
  eventsByType: Record<string, number>;
  statusToday: Record<string, number>;
  /** JavaScript time building rows and replaying lifecycles (it overlaps the inserts). */
  buildMs: number;
  dropConstraintsMs: number;
  /** Wall time of the batched inserts, generation included. */
  insertMs: number;
  /** Recreating the primary keys, exclusion constraints, indexes and foreign keys dropped before. */
  indexMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
  /** All rows written ÷ total time (insert, index rebuild and VACUUM ANALYZE). */
  rowsPerSecond: number;
  /** All rows written ÷ insert time alone. */
  insertRowsPerSecond: number;
  /**
   * `replayed`: members whose drawn events were replayed in memory by the domain (every rule
   * checked, spans and deadlines compared); `sample`: members read back from the database and
   * replayed as the service's `rederive` does.
   */
  verify: { replayed: number; sample: number; mismatches: number; ms: number };
}

// ---------------------------------------------------------------------------------------------
// Calendar days as integers: the generator draws millions of dates.

const DAY_MS = 86_400_000;
const dayOf = (iso: IsoDate) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const ISO_BASE = dayOf('1900-01-01');
const ISO_CACHE: string[] = [];
const isoOf = (day: number): IsoDate => {
  const i = day - ISO_BASE;
  return (ISO_CACHE[i] ??= new Date(day * DAY_MS).toISOString().slice(0, 10));
};

interface GenEvent {
  type: MemberEventType;
  date: IsoDate;
  unitId: number | null;
  details: EventDetails;
  decisionNumber: string | null;
}

interface GenRecord {
  fullName: string;
  sex: 'male' | 'female';
  birthDate: IsoDate;
  birthPlace: string;
  homeTown: string;
  residence: string;
  ethnicity: string;
  religion: string;
  nationalId: string | null;
  education: string;
  profession: string;
  phone: string;
}

interface GenMember {
  record: GenRecord;
  events: GenEvent[];
}

/** A weighted choice among codes, drawn by cumulative weight. */
function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): (rng: Prng) => T {
  const total = entries.reduce((a, [, w]) => a + w, 0);
  return (rng) => {
    let r = rng.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  };
}

/**
 * Vocabulary draws with the register's rough shares: most members Kinh and without religion;
 * every other code of the rule pack's vocabularies appears too, so the figures have long tails.
 */
function vocabularyDraws(rules: MemberRules) {
  const codes = (name: 'ethnicity' | 'religion' | 'education') =>
    (rules.vocabulary(name) ?? []).map((e) => e.code);
  const ethnicities = codes('ethnicity');
  const religions = codes('religion');
  const education = codes('education');
  const share = (list: string[], main: string, mainWeight: number) =>
    weighted(
      list.map((c) => [c, c === main ? mainWeight : (100 - mainWeight) / Math.max(1, list.length - 1)]),
    );
  const educationWeights: Record<string, number> = {
    primary: 2,
    lower_secondary: 10,
    upper_secondary: 30,
    vocational: 10,
    college: 10,
    bachelor: 30,
    master: 7,
    doctorate: 1,
  };
  return {
    ethnicity: ethnicities.length ? share(ethnicities, 'kinh', 86) : () => 'kinh',
    religion: religions.length ? share(religions, 'none', 90) : () => 'none',
    education: education.length ? weighted(education.map((c) => [c, educationWeights[c] ?? 1])) : () => null,
    /** The education rank below which an admission needs an exception. */
    rank: (code: string | null | undefined) => rules.educationRank(code),
  };
}

/**
 * One member's record and dated events, drawn so that every event passes the rule set in force
 * on its date (age 18–60 at admission, ceremony within 30 working days, recognition after the
 * 12 months of probation, exemption only past retirement age, no transfer or resignation while
 * suspended, nothing after today).
 */
function drawMember(
  rng: Prng,
  index: number,
  today: number,
  rules: MemberRules,
  draws: ReturnType<typeof vocabularyDraws>,
  pickCell: (rng: Prng) => number,
): GenMember {
  const sex = rng.chance(0.64) ? 'male' : 'female';
  // Birth years 1940–2007, peaking in the early 1970s (the register is middle-aged).
  const birth =
    dayOf('1940-01-01') +
    Math.floor(((rng.next() + rng.next()) / 2) * (dayOf('2007-12-31') - dayOf('1940-01-01')));
  const birthIso = isoOf(birth);
  const education = draws.education(rng) ?? 'upper_secondary';

  // Admission: most join young; the decision lies between 18 years and a month and 60 years old,
  // not before 1970 and not after today.
  const lo = Math.max(dayOf('1970-01-01'), dayOf(addMonths(birthIso, 18 * 12 + 1)));
  const hi = Math.min(today, dayOf(addMonths(birthIso, 60 * 12)));
  let decision =
    dayOf(addMonths(birthIso, 12 * (18 + Math.floor(24 * rng.next() ** 1.6)))) + rng.int(30, 364);
  if (decision < lo || decision > hi) decision = rng.int(lo, hi);
  let unit = pickCell(rng);
  const events: GenEvent[] = [];
  const add = (
    type: MemberEventType,
    day: number,
    unitId: number | null,
    details: EventDetails,
    decided = false,
  ) =>
    events.push({
      type,
      date: isoOf(day),
      unitId,
      details,
      decisionNumber: decided ? `${rng.int(1, 2999)}-QĐ/ĐU` : null,
    });

  const ceremony = decision + rng.int(7, 35);
  const minimumRank = draws.rank(rules.ruleSetOn(isoOf(decision)).minimumEducation);
  const rank = draws.rank(education);
  const admissionDetails: EventDetails =
    minimumRank !== undefined && rank !== undefined && rank < minimumRank
      ? { educationException: 'disadvantaged_area' }
      : {};
  const ceremonyInAdmission = ceremony <= today && rng.chance(0.25);
  add(
    'admission',
    decision,
    unit,
    ceremonyInAdmission ? { ...admissionDetails, ceremonyDate: isoOf(ceremony) } : admissionDetails,
    true,
  );
  let cursor = decision;
  let pending = false;
  if (ceremony <= today) {
    if (!ceremonyInAdmission) add('ceremony', ceremony, null, {});
    cursor = ceremony;
    // Recognition (or not) within a month of the end of the 12 months of probation.
    const probationEnd = dayOf(addMonths(isoOf(ceremony), rules.ruleSetOn(isoOf(ceremony)).probationMonths));
    const review = probationEnd + rng.int(0, 30);
    if (review > today) pending = true;
    else if (rng.chance(0.03)) {
      add('non_recognition', review, null, {}, true);
      pending = true;
    } else {
      add('recognition', review, null, {}, true);
      cursor = review;
    }
  } else pending = true;

  if (!pending) {
    // A few percent move: official transfers (out, then in when the slip is presented), or
    // internal moves between cells of the same committee.
    if (rng.chance(0.05) && today - cursor > 90) {
      const out = rng.int(cursor + 30, today - 30);
      let target = pickCell(rng);
      while (target === unit) target = pickCell(rng);
      if (rng.chance(0.75)) {
        add('transfer_out', out, target, { transferKind: 'official', slipNumber: `GC-${index}` }, true);
        const arrival = out + rng.int(3, 25);
        if (arrival <= today) {
          add('transfer_in', arrival, target, {});
          cursor = arrival;
          unit = target;
        } else pending = true;
      } else {
        add('transfer_out', out, target, { transferKind: 'internal' }, true);
        cursor = out;
        unit = target;
      }
    }
  }
  if (!pending) {
    // Exempted from activities once past retirement age (62 is past it under every rule set).
    const exemption = dayOf(addMonths(birthIso, 62 * 12)) + rng.int(0, 900);
    if (exemption > cursor && exemption <= today && rng.chance(0.7)) {
      add('exemption', exemption, null, { exemptionReason: 'age' }, true);
      cursor = exemption;
    }
    // Suspension during an investigation: at most 90 days, ended early or by itself.
    if (rng.chance(0.006) && today - cursor > 300) {
      const start = rng.int(cursor + 10, today - 150);
      const until = start + rng.int(30, 89);
      add('suspension', start, null, { suspensionGround: 'investigation', until: isoOf(until) }, true);
      if (rng.chance(0.5)) {
        const end = Math.max(start + 1, until - rng.int(0, 20));
        add('suspension_end', end, null, {}, true);
        cursor = end;
      } else cursor = until + 1;
    }
    // Exits: deaths among the old, and resignations, removals and expulsions at any age.
    const age = (today - birth) / 365.25;
    const deathChance = age > 80 ? 0.3 : age > 70 ? 0.12 : age > 60 ? 0.04 : 0.01;
    if (today - cursor > 2) {
      const when = () => rng.int(cursor + 1, today);
      if (rng.chance(deathChance)) add('death', when(), null, {});
      else if (rng.chance(0.05)) {
        const r = rng.next();
        if (r < 0.3) add('resignation', when(), null, {}, true);
        else if (r < 0.8) add('removal', when(), null, { ground: 'no_activity_or_dues' }, true);
        else add('discipline', when(), null, { form: 'expulsion' }, true);
      }
    }
  }

  // Vietnamese citizen ID: province of birth, sex and century, then a serial unique by construction
  // (an affine bijection of the member's index modulo 10^8).
  const century = birth >= dayOf('2000-01-01') ? 2 : 0;
  const serial = String((index * 48271 + 12345) % 100_000_000).padStart(8, '0');
  const nationalId = rng.chance(NO_NATIONAL_ID_SHARE)
    ? null
    : `0${String(rng.int(1, 96)).padStart(2, '0')}${century + (sex === 'female' ? 1 : 0)}${serial}`;
  const home = homeProvince(rng);
  return {
    record: {
      fullName: personName(rng, sex, OTHER_SCRIPT_SHARE),
      sex,
      birthDate: birthIso,
      birthPlace: rng.chance(0.7) ? home : homeProvince(rng),
      homeTown: home,
      residence: `${placeName(rng)}, ${homeProvince(rng)}`,
      ethnicity: draws.ethnicity(rng),
      religion: draws.religion(rng),
      nationalId,
      education,
      profession: rng.pick(PROFESSIONS),
      phone: `09${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
    },
    events,
  };
}

/**
 * The spans and deadlines `replayLifecycle` derives, for exactly the event shapes `drawMember`
 * makes (its dates only move forward). The domain's replay costs about half a millisecond per
 * member (mostly `addWorkingDays`, a Date per day), which is 50 minutes of CPU for 6 M members;
 * this costs microseconds. `generateMembers` checks it against the replay on a sample.
 */
function deriveSpans(
  events: readonly GenEvent[],
  rules: MemberRules,
): { spans: MemberSpan[]; deadlines: Deadline[] } {
  const spans: MemberSpan[] = [];
  let state: SpanState = {
    status: 'applicant',
    unitId: null,
    exitReason: null,
    exempted: false,
    suspended: false,
    transferToUnitId: null,
    hostUnitId: null,
  };
  const patch = (date: IsoDate, change: Partial<SpanState>) => {
    state = { ...state, ...change };
    const last = spans[spans.length - 1];
    if (last && last.from === date) Object.assign(last, change);
    else {
      if (last) last.to = date;
      spans.push({ ...state, from: date, to: null });
    }
  };
  let decision: IsoDate | null = null;
  let ceremony: IsoDate | null = null;
  let probationEnd: IsoDate | null = null;
  let official = false;
  let transfer: { to: number; since: IsoDate } | null = null;
  let suspendedUntil: IsoDate | null = null;
  const settle = (day: IsoDate | null) => {
    if (state.status === 'admitted' && ceremony && (day === null || ceremony <= day))
      patch(ceremony, { status: 'probationary' });
    if (suspendedUntil && (day === null || addDays(suspendedUntil, 1) <= day)) {
      patch(addDays(suspendedUntil, 1), { suspended: false });
      suspendedUntil = null;
    }
  };
  const leave = (date: IsoDate, exitReason: MemberSpan['exitReason']) => {
    patch(date, {
      status: 'left',
      exitReason,
      exempted: false,
      suspended: false,
      transferToUnitId: null,
      hostUnitId: null,
    });
    decision = ceremony = probationEnd = null;
    transfer = null;
    suspendedUntil = null;
  };
  for (const e of events) {
    settle(e.date);
    switch (e.type) {
      case 'admission':
        decision = e.date;
        ceremony = e.details.ceremonyDate ?? null;
        probationEnd = ceremony && addMonths(ceremony, rules.ruleSetOn(e.date).probationMonths);
        official = false;
        patch(e.date, { status: 'admitted', unitId: e.unitId, exitReason: null });
        break;
      case 'ceremony':
        ceremony = e.date;
        probationEnd = addMonths(e.date, rules.ruleSetOn(e.date).probationMonths);
        patch(e.date, { status: 'probationary' });
        break;
      case 'recognition':
        official = true;
        patch(probationEnd!, { status: 'official' });
        break;
      case 'non_recognition':
        leave(e.date, 'not_recognized');
        break;
      case 'transfer_out':
        if (e.details.transferKind === 'internal') patch(e.date, { unitId: e.unitId });
        else {
          transfer = { to: e.unitId!, since: e.date };
          patch(e.date, { transferToUnitId: e.unitId });
        }
        break;
      case 'transfer_in':
        patch(e.date, { unitId: e.unitId ?? transfer!.to, transferToUnitId: null, hostUnitId: null });
        transfer = null;
        break;
      case 'exemption':
        patch(e.date, { exempted: true });
        break;
      case 'suspension':
        suspendedUntil = e.details.until ?? null;
        patch(e.date, { suspended: true });
        break;
      case 'suspension_end':
        suspendedUntil = null;
        patch(e.date, { suspended: false });
        break;
      case 'death':
        leave(e.date, 'deceased');
        break;
      case 'resignation':
        leave(e.date, 'resigned');
        break;
      case 'removal':
        leave(e.date, 'removed');
        break;
      case 'discipline':
        if (e.details.form === 'expulsion') leave(e.date, 'expelled');
        break;
      default:
        throw new Error(`deriveSpans does not know ${e.type} events.`);
    }
  }
  settle(null);
  const deadlines: Deadline[] = [];
  const status = state.status;
  if (decision && status === 'admitted' && !ceremony) {
    const days = rules.ruleSetOn(decision).ceremonyWorkingDays;
    if (days > 0) deadlines.push({ kind: 'ceremony', since: decision, due: addWorkingDays(decision, days) });
  }
  if (probationEnd && !official && (status === 'probationary' || status === 'admitted'))
    deadlines.push({
      kind: 'recognition',
      since: probationEnd,
      due: addWorkingDays(probationEnd, rules.ruleSetOn(probationEnd).recognitionWorkingDays),
    });
  const pending = transfer as { to: number; since: IsoDate } | null;
  if (pending)
    deadlines.push({
      kind: 'transfer_slip',
      since: pending.since,
      due: addDays(pending.since, rules.ruleSetOn(pending.since).transferPresentDays),
    });
  return { spans, deadlines };
}

const spanKey = (spans: readonly MemberSpan[]) =>
  JSON.stringify(
    spans.map((s) => [
      s.from,
      s.to,
      s.status,
      s.unitId,
      s.exitReason,
      s.exempted,
      s.suspended,
      s.transferToUnitId,
      s.hostUnitId,
    ]),
  );
const deadlineKey = (deadlines: readonly Deadline[]) =>
  JSON.stringify(
    [...deadlines].sort((a, b) => a.kind.localeCompare(b.kind)).map((d) => [d.kind, d.since, d.due]),
  );

/** Rows of one batch, column by column, ready for `unnest`. */
class Batch {
  member = { id: [] as number[], version: [] as number[] };
  record = {
    memberId: [] as number[],
    fullName: [] as string[],
    sex: [] as string[],
    birthDate: [] as string[],
    birthPlace: [] as string[],
    homeTown: [] as string[],
    residence: [] as string[],
    ethnicity: [] as string[],
    religion: [] as string[],
    nationalId: [] as Array<string | null>,
    education: [] as string[],
    profession: [] as string[],
    phone: [] as string[],
  };
  event = {
    id: [] as number[],
    memberId: [] as number[],
    type: [] as string[],
    date: [] as string[],
    unitId: [] as Array<number | null>,
    details: [] as string[],
    decisionNumber: [] as Array<string | null>,
    decisionDate: [] as Array<string | null>,
    ruleSet: [] as string[],
  };
  span = {
    memberId: [] as number[],
    from: [] as string[],
    to: [] as Array<string | null>,
    status: [] as string[],
    unitId: [] as Array<number | null>,
    exitReason: [] as Array<string | null>,
    exempted: [] as boolean[],
    suspended: [] as boolean[],
    transferTo: [] as Array<number | null>,
    host: [] as Array<number | null>,
  };
  deadline = { memberId: [] as number[], kind: [] as string[], since: [] as string[], due: [] as string[] };
}

async function insertBatch(db: Db, b: Batch): Promise<void> {
  await sql`insert into member (id, version) overriding system value
    select * from unnest(${b.member.id}::bigint[], ${b.member.version}::int[])`.execute(db);
  const r = b.record;
  await sql`insert into member_record (member_id, valid, full_name, sex, birth_date, birth_place, home_town,
      residence, ethnicity, religion, national_id, education, profession, phone, recorded_by)
    select m, daterange(null, null), fn, sx, bd, bp, ht, rs, et, rl, ni, ed, pr, ph, ${RECORDED_BY}
    from unnest(${r.memberId}::bigint[], ${r.fullName}::text[], ${r.sex}::text[], ${r.birthDate}::date[],
      ${r.birthPlace}::text[], ${r.homeTown}::text[], ${r.residence}::text[], ${r.ethnicity}::text[],
      ${r.religion}::text[], ${r.nationalId}::text[], ${r.education}::text[], ${r.profession}::text[],
      ${r.phone}::text[]) as x (m, fn, sx, bd, bp, ht, rs, et, rl, ni, ed, pr, ph)`.execute(db);
  const e = b.event;
  await sql`insert into member_event (id, member_id, type, event_date, unit_id, details, decision_number,
      decision_date, rule_set, recorded_by) overriding system value
    select i, m, t, d, u, de, dn, dd, rs, ${RECORDED_BY}
    from unnest(${e.id}::bigint[], ${e.memberId}::bigint[], ${e.type}::text[], ${e.date}::date[],
      ${e.unitId}::bigint[], ${e.details}::jsonb[], ${e.decisionNumber}::text[], ${e.decisionDate}::date[],
      ${e.ruleSet}::text[]) as x (i, m, t, d, u, de, dn, dd, rs)`.execute(db);
  const s = b.span;
  // With the record's counted attributes, as the trigger would copy them (migration 0019): the
  // triggers are off during the load, each member's one record is in this batch.
  await sql`insert into member_span (member_id, valid, status, unit_id, exit_reason, exempted, suspended,
      transfer_to_unit_id, host_unit_id, sex, birth_year, ethnicity, religion)
    select x.m, daterange(f, t, '[)'), st, u, x, ex, su, tr, ho, r.sx, extract(year from r.bd)::int, r.et, r.rl
    from unnest(${s.memberId}::bigint[], ${s.from}::date[], ${s.to}::date[], ${s.status}::text[],
      ${s.unitId}::bigint[], ${s.exitReason}::text[], ${s.exempted}::boolean[], ${s.suspended}::boolean[],
      ${s.transferTo}::bigint[], ${s.host}::bigint[]) as x (m, f, t, st, u, x, ex, su, tr, ho)
    left join unnest(${r.memberId}::bigint[], ${r.sex}::text[], ${r.birthDate}::date[], ${r.ethnicity}::text[],
      ${r.religion}::text[]) as r (m, sx, bd, et, rl) on r.m = x.m`.execute(db);
  const d = b.deadline;
  if (d.memberId.length > 0)
    await sql`insert into member_deadline (member_id, kind, since, due)
      select * from unnest(${d.memberId}::bigint[], ${d.kind}::text[], ${d.since}::date[], ${d.due}::date[])`.execute(
      db,
    );
}

/**
 * The triggers that derive rows from spans and records (the counted attributes, 0019; the periods,
 * 0021): off while the batches load, which write those columns and rows themselves.
 */
async function setDerivingTriggers(db: Db, on: boolean): Promise<void> {
  const state = sql.raw(on ? 'enable' : 'disable');
  await sql`alter table member_span ${state} trigger member_span_counted`.execute(db);
  await sql`alter table member_record ${state} trigger member_record_counted_insert`.execute(db);
  await sql`alter table member_record ${state} trigger member_record_counted_update`.execute(db);
  for (const table of ['member_span', 'member_record'])
    for (const change of ['insert', 'update', 'delete'])
      await sql`alter table ${sql.table(table)} ${state} trigger ${sql.id(`${table}_period_${change}`)}`.execute(
        db,
      );
}

interface Definition {
  table: string;
  name: string;
  def: string;
  /** p, u, x, f: a constraint; i: a plain index. */
  kind: string;
}

/**
 * The keys, exclusion constraints, indexes and foreign keys of the member tables as the catalog
 * defines them, so they can be dropped for the load and recreated exactly after it.
 */
async function memberDefinitions(db: Db): Promise<Definition[]> {
  const tables = sql`array[${sql.join(MEMBER_TABLES.map((t) => sql.lit(t)))}]::regclass[]`;
  const constraints = await sql<Definition>`
    select c.conrelid::regclass::text as "table", c.conname as name, pg_get_constraintdef(c.oid) as def,
      c.contype as kind
    from pg_constraint c
    where c.contype in ('p', 'u', 'x', 'f') and (c.conrelid = any(${tables}) or c.confrelid = any(${tables}))`.execute(
    db,
  );
  const indexes = await sql<Definition>`
    select i.indrelid::regclass::text as "table", i.indexrelid::regclass::text as name,
      pg_get_indexdef(i.indexrelid) as def, 'i' as kind
    from pg_index i
    where i.indrelid = any(${tables})
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype <> 'f')`.execute(
    db,
  );
  return [...constraints.rows, ...indexes.rows];
}

async function dropDefinitions(db: Db, defs: readonly Definition[]): Promise<void> {
  for (const d of defs.filter((x) => x.kind === 'f'))
    await sql`alter table ${sql.raw(d.table)} drop constraint ${sql.id(d.name)}`.execute(db);
  for (const d of defs.filter((x) => x.kind === 'i')) await sql`drop index ${sql.raw(d.name)}`.execute(db);
  for (const d of defs.filter((x) => x.kind !== 'f' && x.kind !== 'i'))
    await sql`alter table ${sql.raw(d.table)} drop constraint ${sql.id(d.name)}`.execute(db);
}

async function recreateDefinitions(
  db: Db,
  defs: readonly Definition[],
  memory: string,
  log: (m: string) => void,
): Promise<void> {
  const order = ['p', 'u', 'x', 'i', 'f'];
  for (const kind of order) {
    for (const d of defs.filter((x) => x.kind === kind)) {
      const started = performance.now();
      await db.transaction().execute(async (trx) => {
        await sql`select set_config('maintenance_work_mem', ${memory}, true)`.execute(trx);
        if (kind === 'i') await sql.raw(d.def).execute(trx);
        else
          await sql`alter table ${sql.raw(d.table)} add constraint ${sql.id(d.name)} ${sql.raw(d.def)}`.execute(
            trx,
          );
      });
      log(`  ${d.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
}

/** Member-kind units (cells) live from 1970 until today: members may belong to them on any day. */
async function loadCells(db: Db, rules: MemberRules, today: IsoDate): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select unit_id as id from unit_version
    where superseded_at is null and kind = any(${rules.pack.memberUnitKinds}::text[])
    group by unit_id
    having min(lower(valid)) <= '1970-01-01'::date and bool_or(valid @> ${today}::date)
    order by unit_id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * Generates `members` members over the cells of the tree, set-based: rows are drawn and their
 * lifecycles replayed in TypeScript (with `replayLifecycle`, exactly as the service derives spans
 * and deadlines), then written in batches of `INSERT … SELECT FROM unnest(…)` with the member
 * tables' keys, constraints and indexes dropped, and those recreated from their catalog
 * definitions afterwards (which also checks the data against them). COPY is not used: PGlite's
 * COPY FROM STDIN over its socket fails (stack.md §1.7) and `pg-copy-streams` is not a dependency.
 */
export async function generateMembers(
  db: Db,
  rules: MemberRules,
  o: MemberGenOptions,
): Promise<MemberGeneration> {
  const started = performance.now();
  const cells = await loadCells(db, rules, o.today);
  if (cells.length === 0) throw new Error('No member-kind units live since 1970: cannot place members.');
  const rng = new Prng(o.seed ^ 0x5eed);
  // Cells differ in size: weights 0.3–2.0, drawn once; a member's cell by binary search.
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < cells.length; i++) cumulative.push((total += 0.3 + rng.next() * 1.7));
  const pickCell = (r: Prng) => {
    const x = r.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return cells[lo]!;
  };
  const draws = vocabularyDraws(rules);
  const today = dayOf(o.today);
  const base = await sql<{ member: number; event: number }>`
    select (select coalesce(max(id), 0) from member) as member, (select coalesce(max(id), 0) from member_event) as event`.execute(
    db,
  );
  let memberId = Number(base.rows[0]!.member);
  let eventId = Number(base.rows[0]!.event);

  let t = performance.now();
  const defs = await memberDefinitions(db);
  await dropDefinitions(db, defs);
  // The triggers that copy a record's counted attributes into its spans (migration 0019) and derive
  // the periods (0021) look members up through indexes dropped for the load: the batches write the
  // attributes themselves, and the periods are derived once at the end.
  await setDerivingTriggers(db, false);
  const dropConstraintsMs = performance.now() - t;

  const rows = { member: 0, memberRecord: 0, memberEvent: 0, memberSpan: 0, memberDeadline: 0 };
  const eventsByType: Record<string, number> = {};
  const statusToday: Record<string, number> = {};
  let buildMs = 0;
  // The first members are also replayed in memory by the domain, with every rule checked.
  const replayChecks = Math.min(o.members, o.verifySample * 25);
  t = performance.now();
  let pendingInsert: Promise<void> | null = null;
  let lastLog = performance.now();
  for (let done = 0; done < o.members; done += o.batchSize) {
    const buildStarted = performance.now();
    const size = Math.min(o.batchSize, o.members - done);
    const b = new Batch();
    for (let i = 0; i < size; i++) {
      const index = done + i;
      const m = drawMember(rng, index, today, rules, draws, pickCell);
      const id = ++memberId;
      const firstEventId = eventId + 1;
      eventId += m.events.length;
      const derived = deriveSpans(m.events, rules);
      if (index < replayChecks) {
        // Judged with the person's facts, as the service judges a new event: a generated history
        // that breaks a rule, or spans that differ from the domain's replay, is a bug here.
        const lifecycle: LifecycleEvent[] = m.events.map((e, k) => ({ id: firstEventId + k, ...e }));
        const replay = replayLifecycle(
          lifecycle,
          { birthDate: m.record.birthDate, sex: m.record.sex, education: m.record.education },
          rules,
          o.today,
        );
        if (replay.problems.length > 0)
          throw new Error(
            `Generated member #${index} breaks ${replay.problems[0]!.rule} on event ${JSON.stringify(
              m.events[lifecycle.findIndex((e) => e.id === replay.problems[0]!.eventId)],
            )}: ${JSON.stringify(m.events)}`,
          );
        if (
          spanKey(replay.spans) !== spanKey(derived.spans) ||
          deadlineKey(replay.deadlines) !== deadlineKey(derived.deadlines)
        )
          throw new Error(
            `Generated member #${index}: spans ${JSON.stringify(derived)} differ from the replay's ` +
              `${JSON.stringify({ spans: replay.spans, deadlines: replay.deadlines })} for ${JSON.stringify(m.events)}`,
          );
      }
      b.member.id.push(id);
      b.member.version.push(m.events.length);
      const r = m.record;
      b.record.memberId.push(id);
      b.record.fullName.push(r.fullName);
      b.record.sex.push(r.sex);
      b.record.birthDate.push(r.birthDate);
      b.record.birthPlace.push(r.birthPlace);
      b.record.homeTown.push(r.homeTown);
      b.record.residence.push(r.residence);
      b.record.ethnicity.push(r.ethnicity);
      b.record.religion.push(r.religion);
      b.record.nationalId.push(r.nationalId);
      b.record.education.push(r.education);
      b.record.profession.push(r.profession);
      b.record.phone.push(r.phone);
      for (const [k, e] of m.events.entries()) {
        b.event.id.push(firstEventId + k);
        b.event.memberId.push(id);
        b.event.type.push(e.type);
        b.event.date.push(e.date);
        b.event.unitId.push(e.unitId);
        b.event.details.push(JSON.stringify(e.details));
        b.event.decisionNumber.push(e.decisionNumber);
        b.event.decisionDate.push(e.decisionNumber ? e.date : null);
        b.event.ruleSet.push(rules.ruleSetOn(e.date).version);
        eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
      }
      pushSpans(b, id, derived.spans);
      pushDeadlines(b, id, derived.deadlines);
      const now = derived.spans.find((s) => s.from <= o.today && (s.to === null || o.today < s.to));
      const status = now ? now.status : 'not yet';
      statusToday[status] = (statusToday[status] ?? 0) + 1;
    }
    rows.member += size;
    rows.memberRecord += size;
    rows.memberEvent += b.event.id.length;
    rows.memberSpan += b.span.memberId.length;
    rows.memberDeadline += b.deadline.memberId.length;
    buildMs += performance.now() - buildStarted;
    // The next batch is drawn while the database writes this one.
    if (pendingInsert) await pendingInsert;
    pendingInsert = insertBatch(db, b);
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      o.log(
        `  ${(done + size).toLocaleString('en-US')} members drawn, ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
    }
  }
  if (pendingInsert) await pendingInsert;
  // The identities go on from the ids written explicitly.
  for (const table of ['member', 'member_event'])
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest(1, (select max(id) from ${sql.table(table)})))`.execute(
      db,
    );
  // The member lists' periods (0021, 0024), which the disabled triggers would have derived batch by
  // batch: the view's columns, then the member's version, joined (the tables have no index yet).
  await sql`insert into member_period select d.*, m.version from member_period_derived d
    join member m on m.id = d.member_id
    where d.member_id between ${memberId - o.members + 1} and ${memberId}`.execute(db);
  await setDerivingTriggers(db, true);
  const insertMs = performance.now() - t;
  o.log(
    `  inserted in ${(insertMs / 1000).toFixed(1)} s (JS drawing and replay ${(buildMs / 1000).toFixed(1)} s of it); recreating keys and indexes`,
  );

  t = performance.now();
  await recreateDefinitions(db, defs, o.maintenanceWorkMem, o.log);
  const indexMs = performance.now() - t;

  t = performance.now();
  for (const table of MEMBER_TABLES) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  const vacuumAnalyzeMs = performance.now() - t;
  const totalMs = performance.now() - started;

  t = performance.now();
  const mismatches =
    o.verifySample > 0 ? await verifySample(db, rules, o, memberId - o.members + 1, memberId) : 0;
  const verifyMs = performance.now() - t;
  if (mismatches > 0)
    throw new Error(
      `${mismatches} of ${o.verifySample} sampled members have derived rows that differ from the replay.`,
    );

  const allRows = Object.values(rows).reduce((a, n) => a + n, 0);
  return {
    members: o.members,
    rows,
    cells: cells.length,
    eventsByType,
    statusToday,
    buildMs,
    dropConstraintsMs,
    insertMs,
    indexMs,
    vacuumAnalyzeMs,
    totalMs,
    rowsPerSecond: allRows / ((insertMs + indexMs + vacuumAnalyzeMs) / 1000),
    insertRowsPerSecond: allRows / (insertMs / 1000),
    verify: { replayed: replayChecks, sample: o.verifySample, mismatches, ms: verifyMs },
  };
}

function pushSpans(b: Batch, memberId: number, spans: readonly MemberSpan[]): void {
  for (const s of spans) {
    b.span.memberId.push(memberId);
    b.span.from.push(s.from);
    b.span.to.push(s.to);
    b.span.status.push(s.status);
    b.span.unitId.push(s.unitId);
    b.span.exitReason.push(s.exitReason);
    b.span.exempted.push(s.exempted);
    b.span.suspended.push(s.suspended);
    b.span.transferTo.push(s.transferToUnitId);
    b.span.host.push(s.hostUnitId);
  }
}

function pushDeadlines(b: Batch, memberId: number, deadlines: readonly Deadline[]): void {
  for (const d of deadlines) {
    b.deadline.memberId.push(memberId);
    b.deadline.kind.push(d.kind);
    b.deadline.since.push(d.since);
    b.deadline.due.push(d.due);
  }
}

/**
 * Reads a random sample of generated members back the way the service does (`findEvents`), replays
 * them as `rederive` does (no facts, far-future bound) and compares the spans, deadlines and rule
 * sets stored with those derived. Returns the number of members that differ.
 */
async function verifySample(
  db: Db,
  rules: MemberRules,
  o: MemberGenOptions,
  firstId: number,
  lastId: number,
): Promise<number> {
  const rng = new Prng(o.seed ^ 0xc0ffee);
  let mismatches = 0;
  for (let i = 0; i < o.verifySample; i++) {
    const id = rng.int(firstId, lastId);
    const events = await findEvents(db, id, false);
    const replay = replayLifecycle(
      events.map((e) => ({ id: e.id, type: e.type, date: e.date, unitId: e.unitId, details: e.details })),
      null,
      rules,
      '9999-12-31',
    );
    const spans = await sql<MemberSpan>`
      select to_char(lower(valid), 'YYYY-MM-DD') as "from", to_char(upper(valid), 'YYYY-MM-DD') as "to", status,
        unit_id as "unitId", exit_reason as "exitReason", exempted, suspended,
        transfer_to_unit_id as "transferToUnitId", host_unit_id as "hostUnitId"
      from member_span where member_id = ${id} order by lower(valid)`.execute(db);
    const deadlines = await sql<Deadline>`
      select kind, to_char(due, 'YYYY-MM-DD') as due, to_char(since, 'YYYY-MM-DD') as since
      from member_deadline where member_id = ${id} order by kind`.execute(db);
    const norm = (s: MemberSpan) => ({
      from: s.from,
      to: s.to,
      status: s.status,
      unitId: s.unitId,
      exitReason: s.exitReason,
      exempted: s.exempted,
      suspended: s.suspended,
      transferToUnitId: s.transferToUnitId,
      hostUnitId: s.hostUnitId,
    });
    const normD = (d: Deadline) => ({ kind: d.kind, due: d.due, since: d.since });
    const sameSpans =
      JSON.stringify(replay.spans.map(norm)) === JSON.stringify(spans.rows.map(norm)) &&
      JSON.stringify([...replay.deadlines].sort((a, b) => a.kind.localeCompare(b.kind)).map(normD)) ===
        JSON.stringify(deadlines.rows.map(normD));
    const sameRuleSets = events.every((e) => e.ruleSet === rules.ruleSetOn(e.date).version);
    if (!sameSpans || !sameRuleSets || replay.problems.length > 0) {
      mismatches += 1;
      if (mismatches <= 3)
        o.log(
          `  member #${id} differs: stored ${JSON.stringify(spans.rows)} derived ${JSON.stringify(replay.spans)}`,
        );
    }
  }
  return mismatches;
}
