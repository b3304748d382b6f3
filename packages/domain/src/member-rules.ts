import { compareDates, isIsoDate, type IsoDate } from './dates.js';
import type { LocalizedText } from './rule-pack.js';

/** Forms of discipline a statute may know (research/domain-rules.md §1.6). */
export const DISCIPLINE_FORMS = ['reprimand', 'warning', 'dismissal', 'expulsion'] as const;
export type DisciplineForm = (typeof DISCIPLINE_FORMS)[number];

/** Grounds for removing a name (xóa tên), research/domain-rules.md §1.7. */
export const REMOVAL_GROUNDS = [
  'no_activity_or_dues', // skipped activities or unpaid dues for 3 months in a year
  'card_returned', // handed back or destroyed the card
  'no_improvement', // no improvement after 12 months of the cell's education
  'standards_two_years', // broke member standards 2 years in a row
  'political_standards', // does not meet the political standards set by the Politburo
] as const;
export type RemovalGround = (typeof REMOVAL_GROUNDS)[number];

/** A retirement age that may rise year by year (the Labour Code 2019 raises it by months each year). */
export interface RetirementAge {
  years: number;
  months: number;
  /** From this year on, the age rises by `stepMonthsPerYear` each year… */
  stepFrom?: number;
  stepMonthsPerYear?: number;
  /** …up to this many years. */
  maxYears?: number;
}

/**
 * The member rules in force from a date. A statute changes every few years (2016, 2021, Jan 2025,
 * Jul 2025), so an event is judged by the set in force on its date, not by today's.
 */
export interface MemberRuleSet {
  version: string;
  /** In force from this date until the next set's `from`. */
  from: IsoDate;
  name: LocalizedText;
  admissionAge: { minYears: number; maxYears: number };
  /** The lowest education an applicant needs (a vocabulary code), unless an exception is recorded. */
  minimumEducation?: string;
  /** The admission ceremony is due this many working days after the decision (0: no ceremony step). */
  ceremonyWorkingDays: number;
  /** Months of probation from the ceremony (0: members are official on admission). */
  probationMonths: number;
  /** The review of a probationary member is due this many working days after probation ends. */
  recognitionWorkingDays: number;
  /** A transfer slip must be presented at the receiving unit within this many days. */
  transferPresentDays: number;
  temporaryTransferMonths: { min: number; max: number; studyMax: number };
  suspensionDays: number;
  suspensionMaxDays: number;
  disciplineForms: { probationary: DisciplineForm[]; official: DisciplineForm[] };
  removalGrounds: RemovalGround[];
  retirementAge: { male: RetirementAge; female: RetirementAge };
  /** Where each rule comes from, by rule family (admission_age, probation, …): shown with every refusal. */
  sources: Record<string, string>;
}

export interface VocabularyEntry {
  code: string;
  names: LocalizedText;
  /** Order for vocabularies that are ranked (education levels). */
  rank?: number;
}

/** A field an organization adds to its member record. */
export interface CustomFieldDefinition {
  code: string;
  names: LocalizedText;
  type: 'text' | 'number' | 'date' | 'choice';
  choices?: string[];
  required?: boolean;
}

export interface MemberPack {
  source?: string;
  ruleSets: MemberRuleSet[];
  vocabularies: Partial<Record<'sex' | 'ethnicity' | 'religion' | 'education', VocabularyEntry[]>>;
  customFields: CustomFieldDefinition[];
  /** The unit kinds members belong to (cells); other units hold members only through them. */
  memberUnitKinds: string[];
}

/** Checks the member section of a rule pack and lists every problem in it. */
export function parseMemberPack(input: unknown, problems: string[]): MemberPack | undefined {
  if (input === undefined) return undefined;
  const pack = input as Partial<MemberPack> | null;
  if (!pack || typeof pack !== 'object') {
    problems.push('“members” must be an object');
    return undefined;
  }
  const sets = Array.isArray(pack.ruleSets) ? pack.ruleSets : [];
  if (sets.length === 0) problems.push('members.ruleSets must list at least one rule set');
  let previous: IsoDate | undefined;
  for (const [i, set] of sets.entries()) {
    const where = `members.ruleSets[${i}]`;
    if (!set || typeof set.version !== 'string') problems.push(`${where}.version must be a string`);
    if (!isIsoDate(set?.from)) problems.push(`${where}.from must be YYYY-MM-DD`);
    else if (previous && compareDates(set.from, previous) <= 0)
      problems.push(`${where}.from must come after the previous set's`);
    else previous = set.from;
    for (const key of [
      'probationMonths',
      'ceremonyWorkingDays',
      'recognitionWorkingDays',
      'transferPresentDays',
      'suspensionDays',
      'suspensionMaxDays',
    ] as const) {
      if (typeof set?.[key] !== 'number' || set[key] < 0)
        problems.push(`${where}.${key} must be a number ≥ 0`);
    }
    if (typeof set?.admissionAge?.minYears !== 'number' || typeof set.admissionAge.maxYears !== 'number')
      problems.push(`${where}.admissionAge needs minYears and maxYears`);
    for (const status of ['probationary', 'official'] as const) {
      const forms = set?.disciplineForms?.[status];
      if (!Array.isArray(forms) || forms.some((f) => !(DISCIPLINE_FORMS as readonly string[]).includes(f)))
        problems.push(
          `${where}.disciplineForms.${status} must list forms among ${DISCIPLINE_FORMS.join(', ')}`,
        );
    }
    if (
      !Array.isArray(set?.removalGrounds) ||
      set.removalGrounds.some((g) => !(REMOVAL_GROUNDS as readonly string[]).includes(g))
    )
      problems.push(`${where}.removalGrounds must list grounds among ${REMOVAL_GROUNDS.join(', ')}`);
    if (!set?.retirementAge?.male || !set.retirementAge.female)
      problems.push(`${where}.retirementAge needs male and female`);
    if (!set?.sources || typeof set.sources !== 'object') problems.push(`${where}.sources must be an object`);
  }
  for (const [i, field] of (Array.isArray(pack.customFields) ? pack.customFields : []).entries()) {
    if (!field || !/^[a-z][a-z0-9_]*$/.test(String(field.code)))
      problems.push(`members.customFields[${i}].code must be lower-case letters, digits and underscores`);
    if (!['text', 'number', 'date', 'choice'].includes(String(field?.type)))
      problems.push(`members.customFields[${i}].type must be text, number, date or choice`);
    if (field?.type === 'choice' && (!Array.isArray(field.choices) || field.choices.length === 0))
      problems.push(`members.customFields[${i}].choices must list the choices`);
  }
  if (!Array.isArray(pack.memberUnitKinds) || pack.memberUnitKinds.length === 0)
    problems.push('members.memberUnitKinds must list the kinds of unit members belong to');
  return {
    ...(pack.source !== undefined && { source: pack.source }),
    ruleSets: sets,
    vocabularies: pack.vocabularies ?? {},
    customFields: pack.customFields ?? [],
    memberUnitKinds: pack.memberUnitKinds ?? [],
  };
}

/** The member rules of a pack, with the questions the lifecycle asks of them. */
export class MemberRules {
  constructor(readonly pack: MemberPack) {}

  /** The rule set in force on a date; dates before the first set are judged by the first. */
  ruleSetOn(date: IsoDate): MemberRuleSet {
    let found = this.pack.ruleSets[0]!;
    for (const set of this.pack.ruleSets) if (compareDates(set.from, date) <= 0) found = set;
    return found;
  }

  vocabulary(name: 'sex' | 'ethnicity' | 'religion' | 'education'): VocabularyEntry[] | undefined {
    return this.pack.vocabularies[name];
  }

  /** Whether a code belongs to a vocabulary; a vocabulary the pack does not define accepts any text. */
  inVocabulary(name: 'sex' | 'ethnicity' | 'religion' | 'education', code: string): boolean {
    const entries = this.pack.vocabularies[name];
    return !entries || entries.some((e) => e.code === code);
  }

  educationRank(code: string | null | undefined): number | undefined {
    if (!code) return undefined;
    return this.pack.vocabularies.education?.find((e) => e.code === code)?.rank;
  }

  /** The retirement age in months on a date (it rises year by year under the Labour Code 2019). */
  retirementAgeMonths(sex: string, on: IsoDate): number | undefined {
    const set = this.ruleSetOn(on);
    const age =
      sex === 'male' ? set.retirementAge.male : sex === 'female' ? set.retirementAge.female : undefined;
    if (!age) return undefined;
    let months = age.years * 12 + age.months;
    if (age.stepFrom !== undefined && age.stepMonthsPerYear) {
      const year = Number(on.slice(0, 4));
      months += Math.max(0, year - age.stepFrom) * age.stepMonthsPerYear;
      if (age.maxYears !== undefined) months = Math.min(months, age.maxYears * 12);
    }
    return months;
  }

  isMemberUnitKind(kind: string): boolean {
    return this.pack.memberUnitKinds.includes(kind);
  }

  sourceOf(date: IsoDate, family: string): string {
    const set = this.ruleSetOn(date);
    return set.sources[family] ?? set.name.en ?? set.version;
  }
}
