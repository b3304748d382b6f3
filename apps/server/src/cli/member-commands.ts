import {
  type ApiLanguage,
  AppError,
  type EventDetails,
  formatMessage,
  formatReason,
  type MemberEventType,
  RECORDABLE_EVENT_TYPES,
  reason,
  type RuleFinding,
} from '@rollbook/domain';
import { Argument, type Command, Option } from 'commander';
import type { Globals, WithContext } from '../cli.js';
import type { AppContext } from '../context.js';
import { assertValid } from '../http/validation.js';
import { refreshRollupUnits, vacuumRollups } from '../modules/members/member-rollup.js';
import { type Count, type MemberFlows, memberFigures, workList } from '../modules/members/members.figures.js';
import { CreateMemberBody, EventInputSchema } from '../modules/members/members.schemas.js';
import {
  createMember,
  type EventInput,
  findingParams,
  getMember,
  LIST_STATUSES,
  listEvents,
  listMembers,
  type MemberDetail,
  recordEvent,
  type RecordInput,
} from '../modules/members/members.service.js';
import { operator } from './operator.js';
import { cliLanguage, EXIT, printTable } from './output.js';
import { resolveUnit } from './unit-option.js';

/** The option parsers of `cli.ts`, shared so every command reads dates and ids the same way. */
export interface Parsers {
  date: (value: string, field: string) => string;
  id: (value: string, field: string) => number;
  /** An option with its ROLLBOOK_… environment twin. */
  twin: (flags: string, description: string) => Option;
}

/** A rule finding as the API presents it: the explanation in the reader's language, with its source. */
interface Finding {
  rule: string;
  field: string;
  message: string;
  ruleSet: string;
  source: string;
}

function presentFinding(f: RuleFinding, lang: ApiLanguage): Finding {
  return {
    rule: f.rule,
    field: f.field,
    message: formatReason(`rule.${f.rule}`, lang, findingParams(f)),
    ruleSet: f.ruleSet,
    source: f.source,
  };
}

function printWarnings(warnings: readonly Finding[]): void {
  for (const w of warnings) console.log(`note (${w.rule}): ${w.message} — ${w.ruleSet}: ${w.source}`);
}

/** The broken rules a refusal carries, each with its explanation and its source. */
function refusalsOf(error: AppError): Array<{ field: string; params: Record<string, string | number> }> {
  const violations = (error.details as { violations?: Array<{ field?: string; params: object }> } | undefined)
    ?.violations;
  return (violations ?? [{ field: error.field, params: error.params }]).map((v) => ({
    field: v.field ?? '',
    params: v.params as Record<string, string | number>,
  }));
}

function statusWord(status: string, lang: ApiLanguage): string {
  return formatReason(`status.${status}`, lang);
}

function eventWord(type: string, lang: ApiLanguage): string {
  return formatReason(`event.${type}`, lang);
}

/** A vocabulary code (sex, education, …) in the reader's language, when the rule pack names it. */
function vocabularyWord(
  ctx: AppContext,
  vocabulary: 'sex' | 'ethnicity' | 'religion' | 'education',
  code: string,
  lang: ApiLanguage,
): string {
  const names = ctx.rules.members.vocabulary(vocabulary)?.find((e) => e.code === code)?.names;
  return names?.[lang] ?? names?.en ?? code;
}

/** Repeated `--detail key=value` options, collected in order. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseDetails(pairs: readonly string[] | undefined): EventDetails {
  const details: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new AppError('validation_failed', {
        field: '--detail',
        params: { reason: reason('pattern'), value: pair },
      });
    details[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  // Keys and values are checked against the API's event schema before anything is written.
  return details as EventDetails;
}

interface DecisionOptions {
  decision?: string;
  decisionDate?: string;
  decidedBy?: string;
}

function decisionFrom(o: DecisionOptions, parse: Parsers): EventInput['decision'] | undefined {
  if (!o.decision && !o.decisionDate && !o.decidedBy) return undefined;
  return {
    number: o.decision ?? null,
    date: o.decisionDate ? parse.date(o.decisionDate, '--decision-date') : null,
    by: o.decidedBy ?? null,
  };
}

const RECORD_FLAGS: Record<string, string> = {
  fullName: '--name',
  birthDate: '--birth-date',
  birthPlace: '--birth-place',
  homeTown: '--home-town',
  residence: '--residence',
  sex: '--sex',
  education: '--education',
  ethnicity: '--ethnicity',
  religion: '--religion',
  nationalId: '--national-id',
};

/** The command-line flag behind a field the service names (`record.sex` is `--sex`). */
function flagOf(field: string, dateFlag: string): string {
  if (field.startsWith('record.')) return RECORD_FLAGS[field.slice(7)] ?? field;
  const path = field.replace(/^event\./, '');
  if (path === 'date') return dateFlag;
  if (path === 'unitId') return '--unit';
  if (path === 'note') return '--note';
  if (path === 'decision.number') return '--decision';
  if (path === 'decision.date') return '--decision-date';
  if (path === 'decision.by') return '--decided-by';
  if (path === 'details.ceremonyDate' && dateFlag === '--admitted') return '--ceremony';
  if (path.startsWith('details.')) return `--detail ${path.slice(8)}`;
  return field;
}

/** Renames the fields of an error to the flags the person typed, so the message points at them. */
function withFlags(error: unknown, dateFlag: string): unknown {
  if (!(error instanceof AppError) || !error.field || error.field === 'If-Match') return error;
  const details = error.details as { violations?: Array<{ field?: string }> } | undefined;
  return new AppError(error.code, {
    field: flagOf(error.field, dateFlag),
    params: error.params,
    ...(details?.violations
      ? {
          details: {
            ...details,
            violations: details.violations.map((v) => ({
              ...v,
              ...(v.field && { field: flagOf(v.field, dateFlag) }),
            })),
          },
        }
      : error.details !== undefined && { details: error.details }),
  });
}

async function rethrowWithFlags<T>(work: () => Promise<T> | T, dateFlag: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withFlags(error, dateFlag);
  }
}

function printMember(ctx: AppContext, m: MemberDetail, lang: ApiLanguage): void {
  console.log(`#${m.id}  ${m.record.fullName}  (as of ${m.asOf})`);
  const s = m.state;
  if (s) {
    const marks = [
      s.exitReason && `reason: ${s.exitReason}`,
      s.exempted && 'exempted',
      s.suspended && 'suspended',
      s.transferToUnitId && `in transit to unit #${s.transferToUnitId}`,
      s.hostUnitId && `hosted by unit #${s.hostUnitId}`,
    ].filter(Boolean);
    console.log(
      `status: ${statusWord(s.status, lang)} since ${s.since}${s.until ? ` until ${s.until}` : ''}${marks.length ? ` (${marks.join(', ')})` : ''}`,
    );
  } else console.log('status: not yet in the register on this day');
  if (m.unit) console.log(`unit: ${m.unit.code}  ${m.unit.name}`);
  if (m.seniorityMonths !== null) console.log(`seniority: ${m.seniorityMonths} months`);
  for (const [field, value] of Object.entries(m.record)) {
    if (
      value === null ||
      value === undefined ||
      ['fullName', 'custom', 'validFrom', 'validTo'].includes(field)
    )
      continue;
    const shown =
      field === 'sex' || field === 'education' || field === 'ethnicity' || field === 'religion'
        ? vocabularyWord(ctx, field, String(value), lang)
        : String(value);
    console.log(`${field}: ${shown}`);
  }
  for (const [code, value] of Object.entries(m.record.custom))
    if (value !== null) console.log(`${code}: ${String(value)}`);
  for (const ms of m.memberships)
    console.log(
      `membership: decided ${ms.decisionDate}, ceremony ${ms.ceremonyDate ?? '—'}, probation to ${ms.probationEnd ?? '—'}, official from ${ms.officialFrom ?? '—'}${ms.end ? `, ended ${ms.end}` : ''}`,
    );
  if (m.deadlines.length) {
    console.log('deadlines:');
    printTable(
      m.deadlines.map((d) => ({ ...d })),
      ['kind', 'since', 'due'],
    );
  }
}

/** Flows of a period side by side with the period before and the same period a year earlier. */
function flowRows(period: { current: MemberFlows; previous: MemberFlows; lastYear: MemberFlows }) {
  const rows: Array<Record<string, unknown>> = (
    [
      ['admissions', 'admissions'],
      ['readmissions', 'readmissions'],
      ['recognitions', 'recognitions'],
      ['transfers in', 'transfersIn'],
      ['transfers out', 'transfersOut'],
    ] as const
  ).map(([flow, key]) => ({
    flow,
    current: period.current[key],
    previous: period.previous[key],
    lastYear: period.lastYear[key],
  }));
  const exits = new Set(
    [period.current, period.previous, period.lastYear].flatMap((f) => f.exits.map((e) => e.value)),
  );
  const exitCount = (f: MemberFlows, value: string) => f.exits.find((e) => e.value === value)?.count ?? 0;
  for (const value of exits)
    rows.push({
      flow: `exits: ${value}`,
      current: exitCount(period.current, value),
      previous: exitCount(period.previous, value),
      lastYear: exitCount(period.lastYear, value),
    });
  return rows;
}

/**
 * `rollbook member …`: the member registry on the data folder, through the same services as the
 * API (records, lifecycle events checked by the rule pack, the register as of any date).
 */
export function addMemberCommands(program: Command, withContext: WithContext, parse: Parsers): void {
  const { date, id, twin } = parse;
  const member = program
    .command('member')
    .description('the member registry: add members, record their events, read them as of any date');

  member
    .command('add')
    .description(
      'add a member with their first event: an admission (--admitted) or an application (--applied)',
    )
    .requiredOption('--name <fullName>', 'full name, in any script')
    .requiredOption('--unit <unit>', 'the cell they join: its id, or its code on that day')
    .option('--birth-date <date>', 'birth date (YYYY-MM-DD)')
    .option('--sex <code>', 'a code of the rule pack’s sex vocabulary (male, female, …)')
    .option('--education <code>', 'a code of the rule pack’s education vocabulary')
    .option('--ethnicity <code>', 'sensitive: a code of the ethnicity vocabulary')
    .option('--religion <code>', 'sensitive: a code of the religion vocabulary')
    .option('--national-id <number>', 'sensitive: the national ID, unique among members')
    .option('--birth-place <text>', 'place of birth')
    .option('--home-town <text>', 'home town')
    .option('--residence <text>', 'permanent and temporary residence')
    .option('--admitted <date>', 'the admission decision date (a member admitted earlier)')
    .option('--ceremony <date>', 'with --admitted: the ceremony date, when it is held already')
    .addOption(
      new Option('--applied <date>', 'the application date (an applicant)').conflicts([
        'admitted',
        'ceremony',
      ]),
    )
    .option('--decision <number>', 'decision number')
    .option('--decision-date <date>', 'decision date')
    .option('--decided-by <text>', 'who decided (the committee)')
    .option(
      '--detail <key=value>',
      'another fact the event needs, e.g. overAgeDecision=… (repeatable)',
      collect,
    )
    .option('--note <text>', 'a note on the event')
    .action(
      withContext(
        async (
          ctx,
          globals: Globals,
          o: DecisionOptions & {
            name: string;
            unit: string;
            birthDate?: string;
            sex?: string;
            education?: string;
            ethnicity?: string;
            religion?: string;
            nationalId?: string;
            birthPlace?: string;
            homeTown?: string;
            residence?: string;
            admitted?: string;
            ceremony?: string;
            applied?: string;
            detail?: string[];
            note?: string;
          },
        ) => {
          const lang = cliLanguage(globals.lang);
          // The first event is an admission (a member's earlier life entered now) or an application.
          if (!o.admitted && !o.applied)
            throw new AppError('validation_failed', {
              field: '--admitted|--applied',
              params: { reason: reason('required') },
            });
          const dateFlag = o.admitted ? '--admitted' : '--applied';
          const day = date((o.admitted ?? o.applied)!, dateFlag);
          const unit = await resolveUnit(ctx, o.unit, day, '--unit');
          const details: EventDetails = {
            ...parseDetails(o.detail),
            ...(o.ceremony && { ceremonyDate: date(o.ceremony, '--ceremony') }),
          };
          const decision = decisionFrom(o, parse);
          const text = {
            sex: o.sex,
            education: o.education,
            ethnicity: o.ethnicity,
            religion: o.religion,
            nationalId: o.nationalId,
            birthPlace: o.birthPlace,
            homeTown: o.homeTown,
            residence: o.residence,
          };
          const record: RecordInput = {
            fullName: o.name,
            ...(o.birthDate && { birthDate: date(o.birthDate, '--birth-date') }),
            ...Object.fromEntries(Object.entries(text).filter(([, v]) => v !== undefined)),
          };
          const event: EventInput = {
            type: o.admitted ? 'admission' : 'application',
            date: day,
            unitId: unit.id,
            ...(Object.keys(details).length && { details }),
            ...(decision && { decision }),
            ...(o.note && { note: o.note }),
          };
          const { memberId, warnings } = await rethrowWithFlags(() => {
            assertValid(CreateMemberBody, { record, event });
            return createMember(ctx, operator(), { record, event });
          }, dateFlag);
          const added = await getMember(ctx, operator(), memberId, day);
          const presented = warnings.map((w) => presentFinding(w, lang));
          if (!globals.json) {
            console.log(
              `added member #${memberId} ${added.record.fullName} to ${unit.code} ${unit.name} on ${day}: ${statusWord(added.state?.status ?? 'none', lang)}`,
            );
            printWarnings(presented);
          }
          return { eventId: null, warnings: presented, member: added };
        },
      ),
    );

  member
    .command('show <id>')
    .description('a member as of a date: record, status, unit, seniority, deadlines')
    .addOption(twin('--as-of <date>', 'the day to look at (default: today)'))
    .action(
      withContext(async (ctx, globals: Globals, memberId: string, o: { asOf?: string }) => {
        const asOf = o.asOf ? date(o.asOf, '--as-of') : ctx.today();
        const found = await getMember(ctx, operator(), id(memberId, 'id'), asOf);
        if (!globals.json) printMember(ctx, found, cliLanguage(globals.lang));
        return found;
      }),
    );

  member
    .command('events <id>')
    .description("a member's timeline of events, oldest first")
    .option('--include-corrected', 'also the events corrected since, marked as such')
    .action(
      withContext(async (ctx, globals: Globals, memberId: string, o: { includeCorrected?: boolean }) => {
        const events = await listEvents(ctx, operator(), id(memberId, 'id'), {
          includeCorrected: !!o.includeCorrected,
        });
        if (!globals.json)
          printTable(
            events.map((e) => ({
              ...e,
              unit: e.unitCode ?? '',
              decision: [e.decisionNumber, e.decisionDate, e.decidedBy].filter(Boolean).join(' '),
              details: Object.entries(e.details)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(' '),
              corrected: e.correctedAt ? `corrected: ${e.correctionReason ?? ''}` : '',
            })),
            ['id', 'date', 'type', 'unit', 'decision', 'details', 'corrected'],
          );
        return events;
      }),
    );

  member
    .command('event')
    .description('record an event (refused, exit 4, when a statute rule breaks); --dry-run only checks it')
    .argument('<id>', 'member id')
    .addArgument(new Argument('<type>', 'what happened').choices(RECORDABLE_EVENT_TYPES))
    .requiredOption('--date <date>', 'the day of the fact: decision, ceremony, meeting, slip…')
    .option('--unit <unit>', 'the unit joined or moved to: its id, or its code on that day')
    .option(
      '--detail <key=value>',
      'a fact the event needs, e.g. transferKind=official, form=warning (repeatable)',
      collect,
    )
    .option('--decision <number>', 'decision number')
    .option('--decision-date <date>', 'decision date')
    .option('--decided-by <text>', 'who decided')
    .option('--note <text>', 'a note')
    .option('--dry-run', 'only check it: the rules it would break and the notes it would get')
    .action(
      withContext(
        async (
          ctx,
          globals: Globals,
          rawId: string,
          type: MemberEventType,
          o: DecisionOptions & {
            date: string;
            unit?: string;
            detail?: string[];
            note?: string;
            dryRun?: boolean;
          },
        ) => {
          const lang = cliLanguage(globals.lang);
          const memberId = id(rawId, 'id');
          const day = date(o.date, '--date');
          const unit = o.unit ? await resolveUnit(ctx, o.unit, day, '--unit') : undefined;
          const details = parseDetails(o.detail);
          const decision = decisionFrom(o, parse);
          const input: EventInput = {
            type,
            date: day,
            ...(unit && { unitId: unit.id }),
            ...(Object.keys(details).length && { details }),
            ...(decision && { decision }),
            ...(o.note && { note: o.note }),
          };
          await rethrowWithFlags(() => assertValid(EventInputSchema, input), '--date');

          if (o.dryRun) {
            let warnings: Finding[] = [];
            let problems: Finding[] = [];
            try {
              const checked = await recordEvent(ctx, operator(), memberId, null, input, { dryRun: true });
              warnings = checked.warnings.map((w) => presentFinding(w, lang));
            } catch (error) {
              if (!(error instanceof AppError) || error.code !== 'member_rule_broken')
                throw withFlags(error, '--date');
              problems = refusalsOf(error).map((v) => ({
                rule: String(v.params.rule),
                field: flagOf(v.field, '--date'),
                message: formatReason(`rule.${String(v.params.rule)}`, lang, v.params),
                ruleSet: String(v.params.ruleSet),
                source: String(v.params.source),
              }));
              if (!globals.json)
                for (const v of refusalsOf(error))
                  console.log(
                    `broken rule (${String(v.params.rule)}): ${formatMessage('member_rule_broken', lang, v.params)}`,
                  );
            }
            if (!globals.json) {
              if (!problems.length)
                console.log(`${eventWord(type, lang)} on ${day} can be recorded for member #${memberId}`);
              printWarnings(warnings);
            }
            if (problems.length) process.exitCode = EXIT.ruleBroken;
            return { ok: problems.length === 0, problems, warnings };
          }

          // The version read here plays the part of the API's If-Match: a change made in between is refused.
          const current = await getMember(ctx, operator(), memberId, day);
          const result = await rethrowWithFlags(
            () => recordEvent(ctx, operator(), memberId, current.version, input),
            '--date',
          );
          const after = await getMember(ctx, operator(), memberId, day);
          const warnings = result.warnings.map((w) => presentFinding(w, lang));
          if (!globals.json) {
            const where = after.unit ? `, ${after.unit.code} ${after.unit.name}` : '';
            console.log(
              `recorded ${eventWord(type, lang)} (event #${result.eventId}) on ${day} for member #${memberId} ${after.record.fullName}; now ${statusWord(after.state?.status ?? 'none', lang)}${where}`,
            );
            printWarnings(warnings);
          }
          return { eventId: result.eventId, warnings, member: after };
        },
      ),
    );

  member
    .command('list')
    .description(
      'members of a subtree as of a date; --search takes a name in any script, a birth date or a national ID',
    )
    .option('--unit <unit>', 'the subtree: a unit id, or its code on that day (default: everywhere)')
    .addOption(
      new Option(
        '--status <status>',
        'members (probationary and official, the default), one status, or all',
      ).choices(LIST_STATUSES),
    )
    .option('--search <text>', 'a name (case and diacritics ignored), a birth date, or a national ID')
    .addOption(twin('--as-of <date>', 'the day to look at (default: today)'))
    .option('--limit <n>', 'at most this many', '100')
    .action(
      withContext(
        async (
          ctx,
          globals: Globals,
          o: {
            unit?: string;
            status?: (typeof LIST_STATUSES)[number];
            search?: string;
            asOf?: string;
            limit: string;
          },
        ) => {
          const asOf = o.asOf ? date(o.asOf, '--as-of') : ctx.today();
          const unit = o.unit ? await resolveUnit(ctx, o.unit, asOf, '--unit') : undefined;
          const rows = await listMembers(ctx, operator(), {
            asOf,
            limit: Math.min(id(o.limit, '--limit'), 10000),
            ...(unit && { unitId: unit.id }),
            ...(o.status && { status: o.status }),
            ...(o.search && { query: o.search }),
          });
          if (!globals.json) {
            const lang = cliLanguage(globals.lang);
            printTable(
              rows.map((m) => ({
                ...m,
                sex: m.sex ? vocabularyWord(ctx, 'sex', m.sex, lang) : '',
                unit: m.unitCode ?? '',
                marks: [
                  m.exempted && 'exempted',
                  m.suspended && 'suspended',
                  m.transferToUnitId && 'in transit',
                  m.exitReason,
                ]
                  .filter(Boolean)
                  .join(', '),
              })),
              ['id', 'fullName', 'birthDate', 'sex', 'status', 'unit', 'marks'],
            );
          }
          return rows;
        },
      ),
    );

  program
    .command('work-list')
    .description(
      'what is due in a subtree: ceremonies, probation reviews, transfer slips, suspensions ending, missing fields',
    )
    .option('--unit <unit>', 'the subtree: a unit id, or its code on that day (default: everywhere)')
    .addOption(twin('--as-of <date>', 'the day to look from (default: today)'))
    .option('--horizon <days>', 'what falls due within this many days (overdue items always show)', '30')
    .action(
      withContext(async (ctx, globals: Globals, o: { unit?: string; asOf?: string; horizon: string }) => {
        const asOf = o.asOf ? date(o.asOf, '--as-of') : ctx.today();
        const unit = o.unit ? await resolveUnit(ctx, o.unit, asOf, '--unit') : undefined;
        const horizon = Number(o.horizon);
        if (!Number.isInteger(horizon) || horizon < 0 || horizon > 3660)
          throw new AppError('validation_failed', {
            field: '--horizon',
            params: { reason: reason('type'), value: o.horizon },
          });
        const items = await workList(ctx, operator(), {
          asOf,
          horizonDays: horizon,
          limit: 10000,
          ...(unit && { unitId: unit.id }),
        });
        if (!globals.json)
          printTable(
            items.map((w) => ({
              ...w,
              overdue: w.overdue ? 'overdue' : '',
              member: `#${w.memberId} ${w.fullName}`,
              unit: w.unitCode ?? '',
              missing: (w.missing ?? []).join(', '),
            })),
            ['due', 'overdue', 'kind', 'member', 'unit', 'since', 'missing'],
          );
        return items;
      }),
    );

  const figures = program
    .command('figures')
    .description('figures of a subtree (counts of units by kind: `units figures <id>`)');

  figures
    .command('members')
    .description(
      'members of a subtree by status, sex, age band, ethnicity and religion; with --from/--to, the flows of the period against the previous one and last year',
    )
    .requiredOption('--unit <unit>', 'the subtree: a unit id, or its code on the day')
    .addOption(twin('--as-of <date>', 'the day to count on (default: today)'))
    .option('--from <date>', 'first day of a period (with --to)')
    .option('--to <date>', 'last day of the period (with --from)')
    .action(
      withContext(
        async (ctx, globals: Globals, o: { unit: string; asOf?: string; from?: string; to?: string }) => {
          const asOf = o.asOf ? date(o.asOf, '--as-of') : ctx.today();
          if (!o.from !== !o.to)
            throw new AppError('validation_failed', {
              field: o.from ? '--to' : '--from',
              params: { reason: reason('required') },
            });
          const period =
            o.from && o.to ? { from: date(o.from, '--from'), to: date(o.to, '--to') } : undefined;
          const unit = await resolveUnit(ctx, o.unit, asOf, '--unit');
          const result = await rethrowWithFlags(
            () => memberFigures(ctx, operator(), unit.id, asOf, period),
            '--to',
          );
          if (!globals.json) {
            const lang = cliLanguage(globals.lang);
            const s = result.stock;
            console.log(`${unit.code}  ${unit.name}, as of ${s.asOf}`);
            console.log(
              `members: ${s.members} (exempted ${s.exempted}, suspended ${s.suspended}, in transit ${s.inTransit})`,
            );
            const table = (title: string, counts: Count[], word: (v: string) => string = (v) => v) => {
              console.log('');
              printTable(
                counts.map((c) => ({
                  [title]: c.value === 'unknown' ? 'unknown' : word(c.value),
                  count: c.count,
                })),
                [title, 'count'],
              );
            };
            table('status', s.byStatus);
            table('sex', s.bySex, (v) => vocabularyWord(ctx, 'sex', v, lang));
            table('age', s.byAgeBand);
            if (s.byEthnicity)
              table('ethnicity', s.byEthnicity, (v) => vocabularyWord(ctx, 'ethnicity', v, lang));
            if (s.byReligion)
              table('religion', s.byReligion, (v) => vocabularyWord(ctx, 'religion', v, lang));
            if (result.period) {
              const p = result.period;
              console.log('');
              console.log(
                `period ${p.current.from} → ${p.current.to}; previous ${p.previous.from} → ${p.previous.to}; last year ${p.lastYear.from} → ${p.lastYear.to}`,
              );
              printTable(flowRows(p), ['flow', 'current', 'previous', 'lastYear']);
            }
          }
          return { unit, ...result };
        },
      ),
    );

  figures
    .command('rollup')
    .description(
      'choose the units whose subtree holds at least N members and build their pre-aggregated member figures (the server also does this when it starts; run it after a bulk load)',
    )
    .option(
      '--min-members <n>',
      'the size from which a unit keeps roll-ups (default: ROLLBOOK_ROLLUP_MIN_MEMBERS)',
    )
    .action(
      withContext(async (ctx, globals: Globals, o: { minMembers?: string }) => {
        const min = o.minMembers === undefined ? ctx.config.rollupMinMembers : Number(o.minMembers);
        if (!Number.isInteger(min) || min < 1)
          throw new AppError('validation_failed', {
            field: '--min-members',
            params: { reason: reason('type'), value: o.minMembers ?? '' },
          });
        const started = Date.now();
        const result = await ctx.db.transaction().execute((trx) => refreshRollupUnits(trx, ctx.today(), min));
        await vacuumRollups(ctx.db);
        if (!globals.json)
          console.log(
            `roll-ups: ${result.chosen.length} unit(s) added, ${result.dropped.length} dropped (${Date.now() - started} ms)`,
          );
        return result;
      }),
    );
}
