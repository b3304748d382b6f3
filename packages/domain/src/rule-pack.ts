import { compareDates, isIsoDate, type IsoDate } from './dates.js';
import { type MemberPack, MemberRules, parseMemberPack } from './member-rules.js';
import partyStatute from './rule-packs/party-statute.json' with { type: 'json' };

/** Names keyed by language code (en, vi, ar, …); English is the fallback. */
export type LocalizedText = Record<string, string>;

/** One kind of unit and where it may stand in the tree. */
export interface UnitKind {
  code: string;
  names: LocalizedText;
  plural?: LocalizedText;
  /** Kinds that may stand at the top of the tree, without a parent. */
  root?: boolean;
  /** Kinds this kind may sit under. */
  parents: string[];
  /** The kind may be used from this date (inclusive)… */
  validFrom?: IsoDate;
  /** …until this date (exclusive): statutes add and abolish levels. */
  validTo?: IsoDate;
  /** The statute rule behind the kind, for people reading the pack. */
  source?: string;
}

/** Kinds counted together in figures, as reports name them ("931 grassroots organizations"). */
export interface KindGroup {
  code: string;
  names: LocalizedText;
  kinds: string[];
}

/** A rule pack: the configuration an organization writes to describe its own statute. */
export interface RulePack {
  id: string;
  version: string;
  name: LocalizedText;
  source?: string;
  kinds: UnitKind[];
  groups?: KindGroup[];
  /** Member lifecycle rules, vocabularies and custom fields (research/domain-rules.md §1). */
  members?: MemberPack;
}

/** Checks a rule pack read from a file and lists every problem in it, so its author can fix them at once. */
export function parseRulePack(input: unknown): RulePack {
  const problems: string[] = [];
  const pack = input as Partial<RulePack> | null;
  if (!pack || typeof pack !== 'object') throw new Error('Rule pack: the file must hold a JSON object.');
  if (typeof pack.id !== 'string' || !pack.id) problems.push('“id” must be a non-empty string');
  if (typeof pack.version !== 'string') problems.push('“version” must be a string');
  if (!pack.name || typeof pack.name !== 'object') problems.push('“name” must map languages to names');
  if (!Array.isArray(pack.kinds) || pack.kinds.length === 0)
    problems.push('“kinds” must be a non-empty list');
  const kinds = Array.isArray(pack.kinds) ? pack.kinds : [];
  const codes = new Set<string>();
  for (const [i, kind] of kinds.entries()) {
    const where = `kinds[${i}]`;
    if (!kind || typeof kind.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(kind.code)) {
      problems.push(`${where}.code must be lower-case letters, digits and underscores`);
      continue;
    }
    if (codes.has(kind.code)) problems.push(`${where}: the code “${kind.code}” is used twice`);
    codes.add(kind.code);
    if (!kind.names || typeof kind.names.en !== 'string')
      problems.push(`${where}.names needs at least an English name`);
    if (!Array.isArray(kind.parents)) problems.push(`${where}.parents must be a list of kind codes`);
    if (kind.validFrom !== undefined && !isIsoDate(kind.validFrom))
      problems.push(`${where}.validFrom must be YYYY-MM-DD`);
    if (kind.validTo !== undefined && !isIsoDate(kind.validTo))
      problems.push(`${where}.validTo must be YYYY-MM-DD`);
    if (!kind.root && Array.isArray(kind.parents) && kind.parents.length === 0)
      problems.push(`${where}: a kind that is not a root needs at least one parent kind`);
  }
  for (const [i, kind] of kinds.entries()) {
    for (const parent of Array.isArray(kind?.parents) ? kind.parents : []) {
      if (!codes.has(parent)) problems.push(`kinds[${i}].parents names an unknown kind “${parent}”`);
    }
  }
  if (!kinds.some((k) => k?.root)) problems.push('at least one kind must be a root ("root": true)');
  for (const [i, group] of (Array.isArray(pack.groups) ? pack.groups : []).entries()) {
    if (!group || typeof group.code !== 'string') problems.push(`groups[${i}].code must be a string`);
    if (!group?.names || typeof group.names.en !== 'string')
      problems.push(`groups[${i}].names needs at least an English name`);
    for (const kind of Array.isArray(group?.kinds) ? group.kinds : []) {
      if (!codes.has(kind)) problems.push(`groups[${i}].kinds names an unknown kind “${kind}”`);
    }
    if (!Array.isArray(group?.kinds) || group.kinds.length === 0)
      problems.push(`groups[${i}].kinds must list kinds`);
  }
  const members = parseMemberPack(pack.members, problems);
  for (const kind of members?.memberUnitKinds ?? []) {
    if (!codes.has(kind)) problems.push(`members.memberUnitKinds names an unknown kind “${kind}”`);
  }
  if (problems.length)
    throw new Error(`Rule pack “${String(pack.id)}” is not valid:\n- ${problems.join('\n- ')}`);
  return { ...(pack as RulePack), ...(members && { members }) };
}

/**
 * Member rules for a pack that has none: no probation, no ceremony step, members in any unit.
 * An organization that keeps members writes its own section (see rule-packs/*.json).
 */
function neutralMemberPack(pack: RulePack): MemberPack {
  return {
    ruleSets: [
      {
        version: 'default',
        from: '1900-01-01',
        name: { en: 'Default member rules' },
        admissionAge: { minYears: 0, maxYears: 150 },
        ceremonyWorkingDays: 0,
        probationMonths: 0,
        recognitionWorkingDays: 0,
        transferPresentDays: 30,
        temporaryTransferMonths: { min: 0, max: 1200, studyMax: 1200 },
        suspensionDays: 36500,
        suspensionMaxDays: 36500,
        disciplineForms: {
          probationary: ['reprimand', 'warning'],
          official: ['reprimand', 'warning', 'expulsion'],
        },
        removalGrounds: ['no_activity_or_dues'],
        retirementAge: { male: { years: 65, months: 0 }, female: { years: 65, months: 0 } },
        sources: {},
      },
    ],
    vocabularies: {},
    customFields: [],
    memberUnitKinds: pack.kinds.map((k) => k.code),
  };
}

/** The default pack: the party statute of research/domain-rules.md §3. */
export const DEFAULT_RULE_PACK: RulePack = parseRulePack(partyStatute);

/** Looks up kinds and answers the questions the tree rules ask. */
export class KindRules {
  private readonly byCode: Map<string, UnitKind>;
  /** The member lifecycle rules of the same pack. */
  readonly members: MemberRules;

  constructor(readonly pack: RulePack) {
    this.byCode = new Map(pack.kinds.map((k) => [k.code, k]));
    this.members = new MemberRules(pack.members ?? neutralMemberPack(pack));
  }

  kind(code: string): UnitKind | undefined {
    return this.byCode.get(code);
  }

  /** The kind's name in a language, falling back to English. */
  name(code: string, lang = 'en'): string {
    const kind = this.byCode.get(code);
    return kind ? (kind.names[lang] ?? kind.names.en ?? code) : code;
  }

  /** Whether the kind may be used on a date (the statute in force then allowed it). */
  inForce(code: string, date: IsoDate): boolean {
    const kind = this.byCode.get(code);
    if (!kind) return false;
    if (kind.validFrom && compareDates(date, kind.validFrom) < 0) return false;
    if (kind.validTo && compareDates(date, kind.validTo) >= 0) return false;
    return true;
  }

  isRoot(code: string): boolean {
    return this.byCode.get(code)?.root === true;
  }

  maySitUnder(code: string, parentKind: string): boolean {
    return this.byCode.get(code)?.parents.includes(parentKind) ?? false;
  }

  /** A group's name in a language, falling back to English. */
  groupName(code: string, lang = 'en'): string {
    const group = this.groups().find((g) => g.code === code);
    return group ? (group.names[lang] ?? group.names.en ?? code) : code;
  }

  groups(): KindGroup[] {
    return this.pack.groups ?? [];
  }

  rootKinds(): UnitKind[] {
    return this.pack.kinds.filter((k) => k.root);
  }
}
