import {
  addDays,
  addMonths,
  addWorkingDays,
  ageInMonthsByMonth,
  compareDates,
  completeMonthsBetween,
  daysBetween,
  type IsoDate,
} from './dates.js';
import {
  type DisciplineForm,
  type MemberRules,
  type MemberRuleSet,
  REMOVAL_GROUNDS,
  type RemovalGround,
} from './member-rules.js';

/**
 * A member's life in the organization is a list of dated events; status, unit, seniority and
 * deadlines are derived from them by replaying the list in date order (never stored as
 * overwritten fields). The same replay checks each event against the rule set in force on its
 * date and explains every refusal with the rule and its source (research/domain-rules.md §1).
 */
export const MEMBER_EVENT_TYPES = [
  'application',
  'admission',
  'ceremony',
  'recognition',
  'non_recognition',
  'transfer_out',
  'transfer_in',
  'transfer_return',
  'exemption',
  'exemption_end',
  'suspension',
  'suspension_extension',
  'suspension_end',
  'discipline',
  'removal',
  'resignation',
  'death',
  'readmission',
  /** Written by a reorganization order: the member's unit ended and the member follows it. */
  'reorganization',
] as const;
export type MemberEventType = (typeof MEMBER_EVENT_TYPES)[number];

/** Events a person records by hand (a reorganization event is written by the order that causes it). */
export const RECORDABLE_EVENT_TYPES = MEMBER_EVENT_TYPES.filter((t) => t !== 'reorganization');

/**
 * applicant: has applied; admitted: the admission decision is made, the ceremony not yet held;
 * probationary: from the ceremony for the probation months; official; left: no longer a member.
 */
export const MEMBER_STATUSES = ['applicant', 'admitted', 'probationary', 'official', 'left'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Statuses that count as members ("đảng viên": probationary and official). */
export const MEMBER_COUNTED_STATUSES: readonly MemberStatus[] = ['probationary', 'official'];

export const EXIT_REASONS = [
  'not_recognized', // probation ended without recognition (xóa tên, Charter art. 5.2)
  'removed', // name removed (xóa tên, §1.7)
  'expelled', // discipline: expulsion (khai trừ)
  'resigned', // left at their own request
  'withdrawn', // an applicant withdrew before becoming a member
  'deceased',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const TRANSFER_KINDS = ['official', 'temporary', 'internal'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export const SUSPENSION_GROUNDS = ['investigation', 'custody', 'indictment'] as const;
export type SuspensionGround = (typeof SUSPENSION_GROUNDS)[number];

export const EXEMPTION_REASONS = ['age', 'health'] as const;

/** The facts an event carries beyond its type and date; each type reads the ones it needs. */
export interface EventDetails {
  /** admission, readmission: the ceremony date, when it is known already. */
  ceremonyDate?: IsoDate;
  /** admission: the day the cell considered the applicant (age is counted then); default the decision date. */
  considerationDate?: IsoDate;
  /** admission over the age limit: the decision of the committee allowed to make it. */
  overAgeDecision?: string;
  /** admission below the education minimum: the exception that applies (disadvantaged area, …). */
  educationException?: string;
  /** a late ceremony: the higher committee's permission. */
  lateApproval?: string;
  transferKind?: TransferKind;
  /** temporary transfer: why (study allows a longer stay). */
  purpose?: 'work' | 'study' | 'residence';
  /** temporary transfer, suspension: the last day it lasts. */
  until?: IsoDate;
  slipNumber?: string;
  exemptionReason?: (typeof EXEMPTION_REASONS)[number];
  suspensionGround?: SuspensionGround;
  form?: DisciplineForm;
  /** dismissal: the post the member is dismissed from. */
  post?: string;
  ground?: RemovalGround;
  /** reorganization: the order that moved the member, and the unit it ended. */
  orderId?: number;
  fromUnitId?: number;
}

export interface LifecycleEvent {
  /** Breaks ties between events of the same day: the order they were recorded in. */
  id: number;
  type: MemberEventType;
  /** The day of the fact: decision, ceremony, meeting, slip, acceptance… */
  date: IsoDate;
  /** The unit joined (application, admission), moved to (transfer, reorganization). */
  unitId?: number | null;
  details: EventDetails;
}

/** What the rules need to know about the person. */
export interface MemberFacts {
  birthDate: IsoDate | null;
  sex: string | null;
  education: string | null;
}

/** The derived fields that hold over a span of days. */
export interface SpanState {
  status: MemberStatus;
  unitId: number | null;
  exitReason: ExitReason | null;
  exempted: boolean;
  suspended: boolean;
  /** In transit to this unit (an official or temporary transfer not yet accepted). */
  transferToUnitId: number | null;
  /** Temporarily active in this unit (a temporary transfer, accepted). */
  hostUnitId: number | null;
}

export interface MemberSpan extends SpanState {
  from: IsoDate;
  /** Exclusive; null while it lasts. */
  to: IsoDate | null;
}

/** One period of membership, from an admission decision to an exit. */
export interface Membership {
  decisionDate: IsoDate;
  ceremonyDate: IsoDate | null;
  probationEnd: IsoDate | null;
  officialFrom: IsoDate | null;
  end: IsoDate | null;
}

/** A deadline the statute sets, for work lists. */
export interface Deadline {
  kind: 'ceremony' | 'recognition' | 'transfer_slip' | 'suspension_end' | 'temporary_return';
  /** The day it is due (inclusive). */
  due: IsoDate;
  /** The day the clock started. */
  since: IsoDate;
}

export const MEMBER_RULES = [
  'event_not_allowed',
  'unit_required',
  'date_before_birth',
  'birth_date_required',
  'admission_age_young',
  'admission_age_old',
  'admission_education',
  'ceremony_before_decision',
  'ceremony_late',
  'ceremony_already_held',
  'recognition_too_early',
  'recognition_late',
  'transfer_while_suspended',
  'transfer_pending',
  'transfer_same_unit',
  'transfer_kind_required',
  'temporary_transfer_length',
  'no_pending_transfer',
  'transfer_late',
  'not_hosted',
  'already_exempted',
  'not_exempted',
  'exemption_reason_required',
  'exemption_age',
  'already_suspended',
  'not_suspended',
  'suspension_ground_required',
  'suspension_until_required',
  'suspension_length',
  'suspension_total',
  'discipline_form',
  'dismissal_needs_post',
  'removal_ground',
  'resignation_while_suspended',
  'readmission_after_death',
  'event_in_future',
  'card_not_official',
  'card_already_live',
  'no_live_card',
  'not_in_campaign',
  'card_before_issue',
] as const;
export type MemberRuleId = (typeof MEMBER_RULES)[number];

/** Which statute rule family each rule belongs to: its source is looked up by family in the rule set. */
const RULE_FAMILY: Record<MemberRuleId, string> = {
  event_not_allowed: 'lifecycle',
  unit_required: 'lifecycle',
  date_before_birth: 'lifecycle',
  birth_date_required: 'admission_age',
  admission_age_young: 'admission_age',
  admission_age_old: 'admission_age',
  admission_education: 'admission_education',
  ceremony_before_decision: 'ceremony_deadline',
  ceremony_late: 'ceremony_deadline',
  ceremony_already_held: 'ceremony_deadline',
  recognition_too_early: 'recognition',
  recognition_late: 'recognition',
  transfer_while_suspended: 'transfer',
  transfer_pending: 'transfer',
  transfer_same_unit: 'transfer',
  transfer_kind_required: 'transfer',
  temporary_transfer_length: 'transfer',
  no_pending_transfer: 'transfer',
  transfer_late: 'transfer',
  not_hosted: 'transfer',
  already_exempted: 'exemption',
  not_exempted: 'exemption',
  exemption_reason_required: 'exemption',
  exemption_age: 'exemption',
  already_suspended: 'suspension',
  not_suspended: 'suspension',
  suspension_ground_required: 'suspension',
  suspension_until_required: 'suspension',
  suspension_length: 'suspension',
  suspension_total: 'suspension',
  discipline_form: 'discipline_form',
  dismissal_needs_post: 'discipline_form',
  removal_ground: 'removal',
  resignation_while_suspended: 'resignation',
  readmission_after_death: 'lifecycle',
  event_in_future: 'lifecycle',
  card_not_official: 'card',
  card_already_live: 'card',
  no_live_card: 'card',
  not_in_campaign: 'card',
  card_before_issue: 'card',
};

/** A card rule finding, for the card service (cards live beside the events, with the same rule sets). */
export function cardFinding(
  rules: MemberRules,
  date: IsoDate,
  rule: MemberRuleId,
  field: string,
  params: Record<string, string | number> = {},
): RuleFinding {
  const set = rules.ruleSetOn(date);
  return finding({ id: 0, type: 'application', date, details: {} }, rule, field, params, set);
}

/**
 * Rules judged by the person's facts (birth date, education, sex). A stored event that breaks one
 * after the record was corrected stands: it was decided on what was known then.
 */
export const FACT_RULES: ReadonlySet<MemberRuleId> = new Set([
  'birth_date_required',
  'admission_age_young',
  'admission_age_old',
  'admission_education',
  'exemption_age',
  'date_before_birth',
]);

/** A broken rule (a refusal) or a note (a warning: late, but allowed), with where it comes from. */
export interface RuleFinding {
  eventId: number;
  rule: MemberRuleId;
  /** The event field at fault (date, unitId, details.form, …). */
  field: string;
  params: Record<string, string | number>;
  /** The rule set in force on the event's date, and the text of the rule. */
  ruleSet: string;
  source: string;
}

export interface ReplayResult {
  spans: MemberSpan[];
  memberships: Membership[];
  deadlines: Deadline[];
  /** Refusals: an event that breaks a rule is not applied. */
  problems: RuleFinding[];
  /** Allowed, but worth telling: a late review, a slip presented late. */
  warnings: RuleFinding[];
  /** The state after the last event (today's state when no event lies in the future). */
  final: SpanState | null;
  /** The rule set each event was judged by. */
  ruleSets: Map<number, string>;
}

const MEMBER_STATES: readonly MemberStatus[] = ['probationary', 'official'];

const ALLOWED_FROM: Record<MemberEventType, ReadonlyArray<MemberStatus | null>> = {
  application: [null],
  admission: [null, 'applicant'],
  ceremony: ['admitted'],
  recognition: ['probationary'],
  non_recognition: ['probationary'],
  transfer_out: MEMBER_STATES,
  transfer_in: MEMBER_STATES,
  transfer_return: MEMBER_STATES,
  exemption: MEMBER_STATES,
  exemption_end: MEMBER_STATES,
  suspension: MEMBER_STATES,
  suspension_extension: MEMBER_STATES,
  suspension_end: MEMBER_STATES,
  discipline: MEMBER_STATES,
  removal: MEMBER_STATES,
  resignation: ['applicant', 'admitted', 'probationary', 'official'],
  death: ['applicant', 'admitted', 'probationary', 'official'],
  readmission: ['left'],
  // Written by an order for whoever was in the unit then; one who left before its date stays out.
  reorganization: ['applicant', 'admitted', 'probationary', 'official', 'left'],
};

interface ReplayState extends SpanState {
  started: boolean;
  pendingTransfer: { kind: TransferKind; toUnitId: number; since: IsoDate; until: IsoDate | null } | null;
  hostUntil: IsoDate | null;
  suspension: { start: IsoDate; until: IsoDate | null; ground: SuspensionGround } | null;
  membership: Membership | null;
}

interface Patch {
  date: IsoDate;
  order: number;
  change: Partial<SpanState>;
}

/** Orders events the way the replay reads them: by day, then in the order they were recorded. */
export function sortEvents<T extends { date: IsoDate; id: number }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => compareDates(a.date, b.date) || a.id - b.id);
}

/**
 * Replays a member's events. `today` bounds what may be recorded (nothing dated in the future).
 * Invalid events are reported and skipped, so one bad event does not hide the others' problems.
 * With `facts` null the replay only derives: stored events were judged by the person's facts when
 * they were recorded, and a later correction of a birth date does not undo a decision taken then.
 */
export function replayLifecycle(
  events: readonly LifecycleEvent[],
  facts: MemberFacts | null,
  rules: MemberRules,
  today: IsoDate,
): ReplayResult {
  const state: ReplayState = {
    started: false,
    status: 'applicant',
    unitId: null,
    exitReason: null,
    exempted: false,
    suspended: false,
    transferToUnitId: null,
    hostUnitId: null,
    pendingTransfer: null,
    hostUntil: null,
    suspension: null,
    membership: null,
  };
  const patches: Patch[] = [];
  const memberships: Membership[] = [];
  const problems: RuleFinding[] = [];
  const warnings: RuleFinding[] = [];
  const ruleSets = new Map<number, string>();
  let order = 0;
  const patch = (date: IsoDate, change: Partial<SpanState>) => {
    patches.push({ date, order: order++, change });
    Object.assign(state, change);
  };
  // Changes the statute makes by itself when their day comes: a ceremony already dated, the end of
  // a suspension or of a temporary stay.
  const settle = (day: IsoDate | null) => {
    const reached = (d: IsoDate) => day === null || compareDates(d, day) <= 0;
    const m = state.membership;
    if (state.status === 'admitted' && m?.ceremonyDate && reached(m.ceremonyDate)) {
      patch(m.ceremonyDate, { status: 'probationary' });
    }
    if (state.suspension?.until && reached(addDays(state.suspension.until, 1))) {
      patch(addDays(state.suspension.until, 1), { suspended: false });
      state.suspension = null;
    }
    if (state.hostUntil && reached(addDays(state.hostUntil, 1))) {
      patch(addDays(state.hostUntil, 1), { hostUnitId: null });
      state.hostUntil = null;
    }
  };

  for (const event of sortEvents(events)) {
    settle(event.date);
    const set = rules.ruleSetOn(event.date);
    ruleSets.set(event.id, set.version);
    const found: RuleFinding[] = [];
    const refuse = (rule: MemberRuleId, field: string, params: Record<string, string | number> = {}) =>
      found.push(finding(event, rule, field, params, set));
    const note = (rule: MemberRuleId, field: string, params: Record<string, string | number> = {}) =>
      warnings.push(finding(event, rule, field, params, set));

    checkEvent(event, state, facts, rules, set, today, refuse, note);
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    applyEvent(event, state, set, patch, memberships);
  }
  settle(null);

  return {
    spans: foldPatches(patches),
    memberships,
    deadlines: deadlinesOf(state, rules),
    problems,
    warnings,
    final: state.started ? spanStateOf(state) : null,
    ruleSets,
  };
}

function finding(
  event: LifecycleEvent,
  rule: MemberRuleId,
  field: string,
  params: Record<string, string | number>,
  set: MemberRuleSet,
): RuleFinding {
  const family = RULE_FAMILY[rule];
  return {
    eventId: event.id,
    rule,
    field,
    params,
    ruleSet: set.version,
    source: set.sources[family] ?? set.name.en ?? set.version,
  };
}

type Refuse = (rule: MemberRuleId, field: string, params?: Record<string, string | number>) => void;

function checkEvent(
  event: LifecycleEvent,
  state: ReplayState,
  given: MemberFacts | null,
  rules: MemberRules,
  set: MemberRuleSet,
  today: IsoDate,
  refuse: Refuse,
  note: Refuse,
): void {
  const d = event.details;
  const status = state.started ? state.status : null;
  const judgeFacts = given !== null;
  const facts: MemberFacts = given ?? { birthDate: null, sex: null, education: null };
  if (compareDates(event.date, today) > 0) refuse('event_in_future', 'date', { date: event.date, today });
  if (facts.birthDate && compareDates(event.date, facts.birthDate) < 0)
    refuse('date_before_birth', 'date', { birthDate: facts.birthDate });
  if (!ALLOWED_FROM[event.type].includes(status)) {
    refuse('event_not_allowed', 'type', {
      event: `reason:event.${event.type}`,
      status: `reason:status.${status ?? 'none'}`,
    });
    return;
  }

  switch (event.type) {
    case 'application':
      if (!event.unitId) refuse('unit_required', 'unitId');
      break;
    case 'admission':
    case 'readmission': {
      if (event.type === 'readmission' && state.exitReason === 'deceased')
        refuse('readmission_after_death', 'type');
      if (!event.unitId && !state.unitId) refuse('unit_required', 'unitId');
      const considered = d.considerationDate ?? event.date;
      if (!judgeFacts) {
        // Deriving only: the age was judged when the event was recorded.
      } else if (!facts.birthDate) {
        refuse('birth_date_required', 'birthDate');
      } else {
        const months = ageInMonthsByMonth(facts.birthDate, considered);
        const age = Math.floor(months / 12);
        // "From full 18 to full 60, counted by month" (domain-rules §1.1): a month past 60 is over.
        if (months < set.admissionAge.minYears * 12)
          refuse('admission_age_young', d.considerationDate ? 'details.considerationDate' : 'date', {
            age,
            min: set.admissionAge.minYears,
          });
        else if (months > set.admissionAge.maxYears * 12 && !d.overAgeDecision)
          refuse('admission_age_old', 'details.overAgeDecision', { age, max: set.admissionAge.maxYears });
      }
      const minimum = rules.educationRank(set.minimumEducation);
      const rank = rules.educationRank(facts.education);
      if (minimum !== undefined && rank !== undefined && rank < minimum && !d.educationException)
        refuse('admission_education', 'details.educationException', {
          minimum: `reason:education.${set.minimumEducation}`,
        });
      if (d.ceremonyDate) checkCeremony(d.ceremonyDate, event.date, d.lateApproval, set, refuse);
      break;
    }
    case 'ceremony': {
      const m = state.membership!;
      if (m.ceremonyDate) refuse('ceremony_already_held', 'type', { date: m.ceremonyDate });
      else checkCeremony(event.date, m.decisionDate, d.lateApproval, set, refuse, 'date');
      break;
    }
    case 'recognition':
    case 'non_recognition': {
      const end = state.membership?.probationEnd;
      if (end && compareDates(event.date, end) < 0)
        refuse('recognition_too_early', 'date', { probationEnd: end });
      else if (end && event.type === 'recognition') {
        const due = addWorkingDays(end, set.recognitionWorkingDays);
        if (compareDates(event.date, due) > 0) note('recognition_late', 'date', { due, probationEnd: end });
      }
      break;
    }
    case 'transfer_out': {
      if (state.suspended) refuse('transfer_while_suspended', 'type');
      if (state.pendingTransfer) refuse('transfer_pending', 'type', { since: state.pendingTransfer.since });
      if (!d.transferKind) refuse('transfer_kind_required', 'details.transferKind');
      if (!event.unitId) refuse('unit_required', 'unitId');
      else if (event.unitId === state.unitId) refuse('transfer_same_unit', 'unitId');
      if (d.transferKind === 'temporary') {
        const max =
          d.purpose === 'study' ? set.temporaryTransferMonths.studyMax : set.temporaryTransferMonths.max;
        const min = set.temporaryTransferMonths.min;
        if (!d.until) refuse('temporary_transfer_length', 'details.until', { min, max });
        else {
          const months = completeMonthsBetween(event.date, addDays(d.until, 1));
          if (compareDates(d.until, event.date) < 0 || months < min || months > max)
            refuse('temporary_transfer_length', 'details.until', { min, max });
        }
      }
      break;
    }
    case 'transfer_in': {
      const pending = state.pendingTransfer;
      if (!pending) refuse('no_pending_transfer', 'type');
      else {
        const due = addDays(pending.since, set.transferPresentDays);
        if (compareDates(event.date, pending.since) < 0)
          refuse('event_not_allowed', 'date', {
            event: 'reason:event.transfer_in',
            status: 'reason:status.before_slip',
          });
        else if (compareDates(event.date, due) > 0)
          note('transfer_late', 'date', { due, days: set.transferPresentDays });
      }
      break;
    }
    case 'transfer_return':
      if (!state.hostUnitId) refuse('not_hosted', 'type');
      break;
    case 'exemption': {
      if (state.exempted) refuse('already_exempted', 'type');
      if (!d.exemptionReason) refuse('exemption_reason_required', 'details.exemptionReason');
      if (d.exemptionReason === 'age' && facts.birthDate && facts.sex) {
        const required = rules.retirementAgeMonths(facts.sex, event.date);
        const months = completeMonthsBetween(facts.birthDate, event.date);
        if (required !== undefined && months < required)
          refuse('exemption_age', 'details.exemptionReason', {
            years: Math.floor(required / 12),
            months: required % 12,
          });
      }
      break;
    }
    case 'exemption_end':
      if (!state.exempted) refuse('not_exempted', 'type');
      break;
    case 'suspension': {
      if (state.suspended) refuse('already_suspended', 'type');
      if (!d.suspensionGround) refuse('suspension_ground_required', 'details.suspensionGround');
      // Custody or indictment: the suspension lasts as the legal proceedings do (QĐ 22 art. 31).
      if (d.suspensionGround === 'investigation') {
        if (!d.until) refuse('suspension_until_required', 'details.until');
        else if (
          daysBetween(event.date, d.until) + 1 > set.suspensionDays ||
          compareDates(d.until, event.date) < 0
        )
          refuse('suspension_length', 'details.until', { days: set.suspensionDays });
      }
      break;
    }
    case 'suspension_extension': {
      const s = state.suspension;
      if (!state.suspended || !s) refuse('not_suspended', 'type');
      else if (!d.until) refuse('suspension_until_required', 'details.until');
      else if (
        s.ground === 'investigation' &&
        (daysBetween(s.start, d.until) + 1 > set.suspensionMaxDays ||
          (s.until && compareDates(d.until, s.until) <= 0))
      )
        refuse('suspension_total', 'details.until', { days: set.suspensionMaxDays });
      break;
    }
    case 'suspension_end':
      if (!state.suspended) refuse('not_suspended', 'type');
      break;
    case 'discipline': {
      const allowed = set.disciplineForms[state.status === 'official' ? 'official' : 'probationary'];
      if (!d.form || !allowed.includes(d.form))
        refuse('discipline_form', 'details.form', {
          status: `reason:status.${state.status}`,
          allowed: `reasons:${allowed.map((f) => `form.${f}`).join(',')}`,
        });
      else if (d.form === 'dismissal' && !d.post) refuse('dismissal_needs_post', 'details.post');
      break;
    }
    case 'removal':
      if (!d.ground || !set.removalGrounds.includes(d.ground) || !REMOVAL_GROUNDS.includes(d.ground))
        refuse('removal_ground', 'details.ground');
      break;
    case 'resignation':
      // A member whose violation is being handled is not let go by resignation (QĐ 30 art. 35).
      if (state.suspended) refuse('resignation_while_suspended', 'type');
      break;
    case 'death':
      break;
    case 'reorganization':
      if (!event.unitId) refuse('unit_required', 'unitId');
      break;
  }
}

function checkCeremony(
  ceremony: IsoDate,
  decision: IsoDate,
  lateApproval: string | undefined,
  set: MemberRuleSet,
  refuse: Refuse,
  field = 'details.ceremonyDate',
): void {
  if (compareDates(ceremony, decision) < 0) {
    refuse('ceremony_before_decision', field, { decisionDate: decision });
    return;
  }
  const due = addWorkingDays(decision, set.ceremonyWorkingDays);
  if (set.ceremonyWorkingDays > 0 && compareDates(ceremony, due) > 0 && !lateApproval)
    refuse('ceremony_late', 'details.lateApproval', { due, days: set.ceremonyWorkingDays });
}

const LEFT: Partial<SpanState> = {
  status: 'left',
  exempted: false,
  suspended: false,
  transferToUnitId: null,
  hostUnitId: null,
};

function applyEvent(
  event: LifecycleEvent,
  state: ReplayState,
  set: MemberRuleSet,
  patch: (date: IsoDate, change: Partial<SpanState>) => void,
  memberships: Membership[],
): void {
  const d = event.details;
  const leave = (reason: ExitReason) => {
    patch(event.date, { ...LEFT, exitReason: reason });
    state.pendingTransfer = null;
    state.hostUntil = null;
    state.suspension = null;
    if (state.membership) state.membership.end = event.date;
    state.membership = null;
  };
  state.started = true;
  switch (event.type) {
    case 'application':
      patch(event.date, { status: 'applicant', unitId: event.unitId ?? null, exitReason: null });
      break;
    case 'admission':
    case 'readmission': {
      const unitId = event.unitId ?? state.unitId;
      const m: Membership = {
        decisionDate: event.date,
        ceremonyDate: null,
        probationEnd: null,
        officialFrom: null,
        end: null,
      };
      memberships.push(m);
      state.membership = m;
      // An organization without probation makes members official on admission.
      if (set.probationMonths === 0 && set.ceremonyWorkingDays === 0) {
        m.officialFrom = event.date;
        patch(event.date, { status: 'official', unitId, exitReason: null });
        break;
      }
      patch(event.date, { status: 'admitted', unitId, exitReason: null });
      if (d.ceremonyDate) {
        m.ceremonyDate = d.ceremonyDate;
        m.probationEnd = addMonths(d.ceremonyDate, set.probationMonths);
        if (compareDates(d.ceremonyDate, event.date) === 0) patch(event.date, { status: 'probationary' });
      }
      break;
    }
    case 'ceremony': {
      const m = state.membership!;
      m.ceremonyDate = event.date;
      m.probationEnd = addMonths(event.date, set.probationMonths);
      patch(event.date, { status: 'probationary' });
      break;
    }
    case 'recognition': {
      // Official from the exact day probation ends, however late the meeting (QĐ 24 §4.2).
      const m = state.membership!;
      m.officialFrom = m.probationEnd ?? event.date;
      patch(m.officialFrom, { status: 'official' });
      break;
    }
    case 'non_recognition':
      leave('not_recognized');
      break;
    case 'transfer_out':
      if (d.transferKind === 'internal') {
        patch(event.date, { unitId: event.unitId! });
      } else {
        state.pendingTransfer = {
          kind: d.transferKind!,
          toUnitId: event.unitId!,
          since: event.date,
          until: d.until ?? null,
        };
        patch(event.date, { transferToUnitId: event.unitId! });
      }
      break;
    case 'transfer_in': {
      const pending = state.pendingTransfer!;
      const landing = event.unitId ?? pending.toUnitId;
      if (pending.kind === 'temporary') {
        state.hostUntil = pending.until;
        patch(event.date, { hostUnitId: landing, transferToUnitId: null });
      } else {
        patch(event.date, { unitId: landing, transferToUnitId: null, hostUnitId: null });
      }
      state.pendingTransfer = null;
      break;
    }
    case 'transfer_return':
      state.hostUntil = null;
      patch(event.date, { hostUnitId: null });
      break;
    case 'exemption':
      patch(event.date, { exempted: true });
      break;
    case 'exemption_end':
      patch(event.date, { exempted: false });
      break;
    case 'suspension':
      state.suspension = { start: event.date, until: d.until ?? null, ground: d.suspensionGround! };
      patch(event.date, { suspended: true });
      break;
    case 'suspension_extension':
      state.suspension!.until = d.until!;
      break;
    case 'suspension_end':
      state.suspension = null;
      patch(event.date, { suspended: false });
      break;
    case 'discipline':
      if (d.form === 'expulsion') leave('expelled');
      break;
    case 'removal':
      leave('removed');
      break;
    case 'resignation':
      leave(state.status === 'applicant' || state.status === 'admitted' ? 'withdrawn' : 'resigned');
      break;
    case 'death':
      leave('deceased');
      break;
    case 'reorganization':
      // Only a member still in the unit the order ended follows it (one who left meanwhile stays).
      if (state.status !== 'left' && (d.fromUnitId === undefined || d.fromUnitId === state.unitId))
        patch(event.date, { unitId: event.unitId! });
      break;
  }
}

function spanStateOf(state: SpanState): SpanState {
  return {
    status: state.status,
    unitId: state.unitId,
    exitReason: state.exitReason,
    exempted: state.exempted,
    suspended: state.suspended,
    transferToUnitId: state.transferToUnitId,
    hostUnitId: state.hostUnitId,
  };
}

/**
 * Folds the changes into spans in date order. A change can be dated before the event that caused
 * it (recognition takes effect when probation ended), so the fold sorts by date, keeping the
 * recording order within a day, and each change sets only the fields it changes.
 */
function foldPatches(patches: Patch[]): MemberSpan[] {
  const sorted = [...patches].sort((a, b) => compareDates(a.date, b.date) || a.order - b.order);
  const spans: MemberSpan[] = [];
  let current: SpanState | null = null;
  for (const p of sorted) {
    const next: SpanState = {
      ...(current ?? {
        status: 'applicant',
        unitId: null,
        exitReason: null,
        exempted: false,
        suspended: false,
        transferToUnitId: null,
        hostUnitId: null,
      }),
      ...p.change,
    };
    const last = spans[spans.length - 1];
    if (last && last.from === p.date) {
      Object.assign(last, next);
    } else {
      if (last) last.to = p.date;
      spans.push({ ...next, from: p.date, to: null });
    }
    current = next;
  }
  // Merge neighbours that ended up equal (a change undone on the same day).
  const merged: MemberSpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && sameState(last, span)) last.to = span.to;
    else merged.push(span);
  }
  return merged;
}

function sameState(a: SpanState, b: SpanState): boolean {
  return (
    a.status === b.status &&
    a.unitId === b.unitId &&
    a.exitReason === b.exitReason &&
    a.exempted === b.exempted &&
    a.suspended === b.suspended &&
    a.transferToUnitId === b.transferToUnitId &&
    a.hostUnitId === b.hostUnitId
  );
}

function deadlinesOf(state: ReplayState, rules: MemberRules): Deadline[] {
  const deadlines: Deadline[] = [];
  const m = state.membership;
  if (m && state.status === 'admitted' && !m.ceremonyDate) {
    const set = rules.ruleSetOn(m.decisionDate);
    if (set.ceremonyWorkingDays > 0)
      deadlines.push({
        kind: 'ceremony',
        since: m.decisionDate,
        due: addWorkingDays(m.decisionDate, set.ceremonyWorkingDays),
      });
  }
  if (
    m?.probationEnd &&
    !m.officialFrom &&
    (state.status === 'probationary' || state.status === 'admitted')
  ) {
    const set = rules.ruleSetOn(m.probationEnd);
    deadlines.push({
      kind: 'recognition',
      since: m.probationEnd,
      due: addWorkingDays(m.probationEnd, set.recognitionWorkingDays),
    });
  }
  if (state.pendingTransfer) {
    const set = rules.ruleSetOn(state.pendingTransfer.since);
    deadlines.push({
      kind: 'transfer_slip',
      since: state.pendingTransfer.since,
      due: addDays(state.pendingTransfer.since, set.transferPresentDays),
    });
  }
  if (state.suspension?.until)
    deadlines.push({ kind: 'suspension_end', since: state.suspension.start, due: state.suspension.until });
  if (state.hostUntil && state.hostUnitId)
    deadlines.push({ kind: 'temporary_return', since: state.hostUntil, due: state.hostUntil });
  return deadlines;
}

/** The span in force on a day, if the member had begun by then. */
export function spanOn(spans: readonly MemberSpan[], day: IsoDate): MemberSpan | undefined {
  return spans.find((s) => compareDates(s.from, day) <= 0 && (s.to === null || compareDates(day, s.to) < 0));
}

/**
 * Seniority ("party age"): counted from the admission decision date, once the member is official,
 * without the periods spent outside (domain-rules §1.2). Whole months up to the day asked.
 */
export function seniorityMonths(memberships: readonly Membership[], on: IsoDate): number | null {
  let months = 0;
  let counted = false;
  for (const m of memberships) {
    if (!m.officialFrom || compareDates(m.officialFrom, on) > 0) continue;
    const end = m.end && compareDates(m.end, on) < 0 ? m.end : on;
    months += completeMonthsBetween(m.decisionDate, end);
    counted = true;
  }
  return counted ? months : null;
}

/** Members who are exempted or suspended are not classified (domain-rules §1.4, §1.5). */
export function eligibleForClassification(span: SpanState | undefined): boolean {
  return !!span && MEMBER_COUNTED_STATUSES.includes(span.status) && !span.exempted && !span.suspended;
}
