import { describe, expect, it } from 'vitest';
import unionFederation from './rule-packs/union-federation.json' with { type: 'json' };
import { addWorkingDays } from './dates.js';
import {
  type EventDetails,
  eligibleForClassification,
  type LifecycleEvent,
  type MemberEventType,
  type MemberFacts,
  type MemberRuleId,
  replayLifecycle,
  seniorityMonths,
  spanOn,
} from './lifecycle.js';
import { formatMessage } from './messages.js';
import { DEFAULT_RULE_PACK, KindRules, parseRulePack } from './rule-pack.js';

const party = new KindRules(DEFAULT_RULE_PACK).members;
const TODAY = '2026-11-25';
const CELL = 10;
const OTHER_CELL = 11;
const person: MemberFacts = { birthDate: '1990-05-15', sex: 'female', education: 'bachelor' };

let nextId = 1;
function ev(
  type: MemberEventType,
  date: string,
  details: EventDetails = {},
  unitId?: number,
): LifecycleEvent {
  return { id: nextId++, type, date, details, ...(unitId !== undefined && { unitId }) };
}
/** Admitted on 2023-03-01 with the ceremony on 2023-03-10; probation ends 2024-03-10. */
function admitted(): LifecycleEvent[] {
  return [ev('admission', '2023-03-01', { ceremonyDate: '2023-03-10' }, CELL)];
}
function official(): LifecycleEvent[] {
  return [...admitted(), ev('recognition', '2024-03-20')];
}
function replay(events: LifecycleEvent[], facts: MemberFacts = person) {
  return replayLifecycle(events, facts, party, TODAY);
}
function refusals(events: LifecycleEvent[], facts: MemberFacts = person): MemberRuleId[] {
  return replay(events, facts).problems.map((p) => p.rule);
}

describe('member rules, one row per rule (party statute pack)', () => {
  const cases: Array<{
    rule: MemberRuleId;
    why: string;
    events: () => LifecycleEvent[];
    facts?: MemberFacts;
    /** The same situation made right: it must pass, so the row proves the rule and not something else. */
    fixed: () => LifecycleEvent[];
    fixedFacts?: MemberFacts;
  }> = [
    {
      rule: 'admission_age_young',
      why: 'under 18 counted by month at consideration',
      facts: { ...person, birthDate: '2008-12-31' },
      events: () => [ev('admission', '2026-11-20', {}, CELL)],
      // By month: December 2026 is the month of the 18th birthday, whatever the day.
      fixed: () => [ev('admission', '2026-11-20', { considerationDate: '2026-12-01' }, CELL)],
      fixedFacts: { ...person, birthDate: '2008-12-31' },
    },
    {
      rule: 'admission_age_old',
      why: 'over 60 needs the province-level decision',
      facts: { ...person, birthDate: '1964-01-10' },
      events: () => [ev('admission', '2025-03-01', {}, CELL)],
      fixed: () => [ev('admission', '2025-03-01', { overAgeDecision: 'QĐ 12-QĐ/TU' }, CELL)],
      fixedFacts: { ...person, birthDate: '1964-01-10' },
    },
    {
      rule: 'birth_date_required',
      why: 'age cannot be checked without a birth date',
      facts: { ...person, birthDate: null },
      events: () => [ev('admission', '2025-03-01', {}, CELL)],
      fixed: () => [ev('admission', '2025-03-01', {}, CELL)],
    },
    {
      rule: 'admission_education',
      why: 'below lower secondary without an exception',
      facts: { ...person, education: 'primary' },
      events: () => [ev('admission', '2025-03-01', {}, CELL)],
      fixed: () => [ev('admission', '2025-03-01', { educationException: 'mountain commune' }, CELL)],
      fixedFacts: { ...person, education: 'primary' },
    },
    {
      rule: 'ceremony_late',
      why: 'ceremony more than 30 working days after the decision',
      events: () => [ev('admission', '2025-03-03', { ceremonyDate: '2025-05-01' }, CELL)],
      fixed: () => [
        ev('admission', '2025-03-03', { ceremonyDate: '2025-05-01', lateApproval: 'CV 5-CV/ĐU' }, CELL),
      ],
    },
    {
      rule: 'ceremony_before_decision',
      why: 'a ceremony before the decision',
      events: () => [ev('admission', '2025-03-03', { ceremonyDate: '2025-03-01' }, CELL)],
      fixed: () => [ev('admission', '2025-03-03', { ceremonyDate: '2025-03-04' }, CELL)],
    },
    {
      rule: 'recognition_too_early',
      why: 'the review before the 12 months end',
      events: () => [...admitted(), ev('recognition', '2024-03-09')],
      fixed: () => [...admitted(), ev('recognition', '2024-03-10')],
    },
    {
      rule: 'discipline_form',
      why: 'a probationary member may only be reprimanded or warned',
      events: () => [...admitted(), ev('discipline', '2023-06-01', { form: 'expulsion' })],
      fixed: () => [...admitted(), ev('discipline', '2023-06-01', { form: 'warning' })],
    },
    {
      rule: 'dismissal_needs_post',
      why: 'dismissal only from a post held',
      events: () => [...official(), ev('discipline', '2025-01-01', { form: 'dismissal' })],
      fixed: () => [
        ...official(),
        ev('discipline', '2025-01-01', { form: 'dismissal', post: 'deputy secretary' }),
      ],
    },
    {
      rule: 'suspension_length',
      why: 'a suspension for investigation lasts at most 90 days',
      events: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'investigation', until: '2025-04-01' }),
      ],
      fixed: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'investigation', until: '2025-03-31' }),
      ],
    },
    {
      rule: 'suspension_total',
      why: 'with extension at most 180 days',
      events: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'investigation', until: '2025-03-31' }),
        ev('suspension_extension', '2025-03-01', { until: '2025-06-30' }),
      ],
      fixed: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'investigation', until: '2025-03-31' }),
        ev('suspension_extension', '2025-03-01', { until: '2025-06-29' }),
      ],
    },
    {
      rule: 'transfer_while_suspended',
      why: 'a member under handling is not transferred',
      events: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'custody' }),
        ev('transfer_out', '2025-02-01', { transferKind: 'official' }, OTHER_CELL),
      ],
      fixed: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'custody' }),
        ev('suspension_end', '2025-01-20'),
        ev('transfer_out', '2025-02-01', { transferKind: 'official' }, OTHER_CELL),
      ],
    },
    {
      rule: 'transfer_same_unit',
      why: 'a transfer to the unit the member is in',
      events: () => [...official(), ev('transfer_out', '2025-02-01', { transferKind: 'official' }, CELL)],
      fixed: () => [
        ...official(),
        ev('transfer_out', '2025-02-01', { transferKind: 'official' }, OTHER_CELL),
      ],
    },
    {
      rule: 'temporary_transfer_length',
      why: 'temporary transfers last 3 to 12 months (24 for study)',
      events: () => [
        ...official(),
        ev('transfer_out', '2025-02-01', { transferKind: 'temporary', until: '2026-08-31' }, OTHER_CELL),
      ],
      fixed: () => [
        ...official(),
        ev(
          'transfer_out',
          '2025-02-01',
          { transferKind: 'temporary', purpose: 'study', until: '2026-08-31' },
          OTHER_CELL,
        ),
      ],
    },
    {
      rule: 'no_pending_transfer',
      why: 'accepting a transfer nobody started',
      events: () => [...official(), ev('transfer_in', '2025-02-01', {}, OTHER_CELL)],
      fixed: () => [
        ...official(),
        ev('transfer_out', '2025-01-20', { transferKind: 'official' }, OTHER_CELL),
        ev('transfer_in', '2025-02-01', {}, OTHER_CELL),
      ],
    },
    {
      rule: 'exemption_age',
      why: 'exemption for age before the retirement age of the Labour Code 2019',
      facts: { ...person, sex: 'male', birthDate: '1965-01-01' },
      // On 2025-06-01 a man needs 61 years 3 months (60 + 3 months a year since 2021): he is 60 years 5 months.
      events: () => [...official(), ev('exemption', '2025-06-01', { exemptionReason: 'age' })],
      // On 2026-08-01 he is 61 years 7 months and needs 61 years 6 months.
      fixed: () => [...official(), ev('exemption', '2026-08-01', { exemptionReason: 'age' })],
      fixedFacts: { ...person, sex: 'male', birthDate: '1965-01-01' },
    },
    {
      rule: 'removal_ground',
      why: 'removal needs one of the statute grounds',
      events: () => [...official(), ev('removal', '2025-01-01', {})],
      fixed: () => [...official(), ev('removal', '2025-01-01', { ground: 'card_returned' })],
    },
    {
      rule: 'resignation_while_suspended',
      why: 'no resignation while a violation is handled',
      events: () => [
        ...official(),
        ev('suspension', '2025-01-01', { suspensionGround: 'indictment' }),
        ev('resignation', '2025-02-01'),
      ],
      fixed: () => [...official(), ev('resignation', '2025-02-01')],
    },
    {
      rule: 'readmission_after_death',
      why: 'no readmission after death',
      events: () => [...official(), ev('death', '2025-01-01'), ev('readmission', '2026-01-01', {}, CELL)],
      fixed: () => [
        ...official(),
        ev('resignation', '2025-01-01'),
        ev('readmission', '2026-01-01', {}, CELL),
      ],
    },
    {
      rule: 'event_not_allowed',
      why: 'recognizing someone who is only an applicant',
      events: () => [ev('application', '2024-01-01', {}, CELL), ev('recognition', '2025-01-01')],
      fixed: () => [ev('application', '2024-01-01', {}, CELL), ev('admission', '2025-01-01')],
    },
    {
      rule: 'event_in_future',
      why: 'events are recorded once they happened',
      events: () => [...official(), ev('death', '2026-11-26')],
      fixed: () => [...official(), ev('death', '2026-11-25')],
    },
  ];

  it.each(cases)('$rule: $why', ({ rule, events, facts, fixed, fixedFacts }) => {
    expect(refusals(events(), facts)).toContain(rule);
    expect(refusals(fixed(), fixedFacts ?? (rule === 'birth_date_required' ? person : facts))).toEqual([]);
  });

  it('explains every refusal in each language, with its source', () => {
    const problem = replay([...admitted(), ev('discipline', '2023-06-01', { form: 'expulsion' })])
      .problems[0]!;
    expect(problem.source).toMatch(/22-QĐ\/TW|69-QĐ\/TW/);
    const params = {
      ...problem.params,
      explanation: `reason:rule.${problem.rule}`,
      ruleSet: problem.ruleSet,
      source: problem.source,
    };
    expect(formatMessage('member_rule_broken', 'en', params)).toMatch(
      /probationary may only be given: reprimand, warning/,
    );
    expect(formatMessage('member_rule_broken', 'vi', params)).toMatch(
      /dự bị chỉ có thể bị: khiển trách, cảnh cáo/,
    );
    expect(formatMessage('member_rule_broken', 'ar', params)).toMatch(/توبيخ، إنذار|توبيخ, إنذار/);
  });
});

describe('derived status, unit and seniority', () => {
  it('makes a member official from the exact 12-month date however late the meeting', () => {
    const result = replay([...admitted(), ev('recognition', '2024-06-01')]);
    expect(result.warnings.map((w) => w.rule)).toEqual(['recognition_late']);
    expect(spanOn(result.spans, '2023-03-09')?.status).toBe('admitted');
    expect(spanOn(result.spans, '2023-03-10')?.status).toBe('probationary');
    expect(spanOn(result.spans, '2024-03-09')?.status).toBe('probationary');
    expect(spanOn(result.spans, '2024-03-10')?.status).toBe('official');
    expect(spanOn(result.spans, '2023-02-28')).toBeUndefined();
  });

  it('lists the recognition review as a deadline 30 working days after probation', () => {
    const result = replay(admitted());
    expect(result.deadlines).toEqual([
      { kind: 'recognition', since: '2024-03-10', due: addWorkingDays('2024-03-10', 30) },
    ]);
    expect(replay([...admitted(), ev('non_recognition', '2024-04-01')]).final).toMatchObject({
      status: 'left',
      exitReason: 'not_recognized',
    });
  });

  it('keeps a member in transit at the old unit until the receiving unit accepts', () => {
    const result = replay([
      ...official(),
      ev('transfer_out', '2025-01-10', { transferKind: 'official' }, OTHER_CELL),
      ev('transfer_in', '2025-03-01', {}, 12),
    ]);
    expect(spanOn(result.spans, '2025-02-01')).toMatchObject({ unitId: CELL, transferToUnitId: OTHER_CELL });
    // The slip was presented after 30 days: allowed, with a note; it landed where the receiving side said (a successor).
    expect(result.warnings.map((w) => w.rule)).toEqual(['transfer_late']);
    expect(spanOn(result.spans, '2025-03-01')).toMatchObject({ unitId: 12, transferToUnitId: null });
  });

  it('ends a suspension on its last day by itself', () => {
    const result = replay([
      ...official(),
      ev('suspension', '2025-01-01', { suspensionGround: 'investigation', until: '2025-01-31' }),
    ]);
    expect(spanOn(result.spans, '2025-01-31')?.suspended).toBe(true);
    expect(spanOn(result.spans, '2025-02-01')?.suspended).toBe(false);
    expect(eligibleForClassification(spanOn(result.spans, '2025-01-15'))).toBe(false);
    expect(eligibleForClassification(spanOn(result.spans, '2025-02-15'))).toBe(true);
  });

  it('counts seniority from the decision date, without the years outside', () => {
    const events = [
      ...official(), // decision 2023-03-01, official 2024-03-10
      ev('resignation', '2024-09-01'),
      ev('readmission', '2025-01-01', { ceremonyDate: '2025-01-05' }, CELL),
      ev('recognition', '2026-01-05'),
    ];
    const result = replay(events);
    expect(result.problems).toEqual([]);
    expect(result.memberships).toHaveLength(2);
    // 2023-03-01 → 2024-09-01 is 18 months; 2025-01-01 → 2026-11-25 is 22 months.
    expect(seniorityMonths(result.memberships, '2026-11-25')).toBe(40);
    expect(seniorityMonths(result.memberships, '2024-01-01')).toBeNull();
  });

  it('judges each event by the rule set in force on its date', () => {
    const result = replay([
      ev('admission', '2023-03-01', {}, CELL),
      ev('ceremony', '2025-08-01', { lateApproval: 'x' }),
    ]);
    expect(result.ruleSets.get(result.memberships.length ? nextId - 2 : 0)).toBe('qd24-2021');
    expect(result.ruleSets.get(nextId - 1)).toBe('qd294-2025');
    expect(party.ruleSetOn('2016-06-01').version).toBe('qd29-2016');
    expect(party.ruleSetOn('2025-03-01').version).toBe('qd232-2025');
    // A date before the first set is judged by the first.
    expect(party.ruleSetOn('1990-01-01').version).toBe('qd29-2016');
  });

  it('lets another organization admit members without probation', () => {
    const union = new KindRules(parseRulePack(unionFederation)).members;
    const result = replayLifecycle([ev('admission', '2024-01-01', {}, 1)], person, union, TODAY);
    expect(spanOn(result.spans, '2024-01-01')?.status).toBe('official');
    expect(seniorityMonths(result.memberships, '2025-01-01')).toBe(12);
  });
});
