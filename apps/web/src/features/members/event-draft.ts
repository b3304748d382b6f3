import { RECORDABLE_EVENT_TYPES } from '@rollbook/domain';
import type { ApiError } from '../../api/client';
import type { EventCheck, IsoDate, MemberEvent, MemberEventDetails, MemberEventInput } from '../../api/types';
import { isUsableDate } from '../../lib/dates';

export const EVENT_TYPES: readonly string[] = RECORDABLE_EVENT_TYPES;

/** Types that name a unit: the one joined, moved to, or (transfer_in) landed in. */
export const UNIT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'application',
  'admission',
  'readmission',
  'transfer_out',
  'transfer_in',
]);

export type DetailField = Exclude<keyof MemberEventDetails, 'orderId'>;

/** The facts each event type carries beyond its date (lifecycle.ts reads exactly these). */
export const DETAIL_FIELDS: Record<string, readonly DetailField[]> = {
  admission: ['ceremonyDate', 'considerationDate', 'overAgeDecision', 'educationException', 'lateApproval'],
  readmission: ['ceremonyDate', 'considerationDate', 'overAgeDecision', 'educationException', 'lateApproval'],
  ceremony: ['lateApproval'],
  transfer_out: ['transferKind', 'purpose', 'until', 'slipNumber'],
  transfer_in: ['slipNumber'],
  exemption: ['exemptionReason'],
  suspension: ['suspensionGround', 'until'],
  suspension_extension: ['until'],
  discipline: ['form', 'post'],
  removal: ['ground'],
};

export const DATE_DETAILS: ReadonlySet<DetailField> = new Set(['ceremonyDate', 'considerationDate', 'until']);

/** Detail fields chosen from a closed list, with the list. */
export const CHOICE_DETAILS: Partial<Record<DetailField, readonly string[]>> = {
  transferKind: ['official', 'temporary', 'internal'],
  purpose: ['work', 'study', 'residence'],
  exemptionReason: ['age', 'health'],
  suspensionGround: ['investigation', 'custody', 'indictment'],
  form: ['reprimand', 'warning', 'dismissal', 'expulsion'],
  ground: [
    'no_activity_or_dues',
    'card_returned',
    'no_improvement',
    'standards_two_years',
    'political_standards',
  ],
};

/** The form's state: every field as the user typed it (strings; a unit as its id). */
export interface EventDraft {
  type: string;
  date: string;
  unitId: number | null;
  details: Partial<Record<DetailField, string>>;
  decisionNumber: string;
  decisionDate: string;
  decisionBy: string;
  note: string;
}

export function blankDraft(type: string, date: IsoDate | '' = ''): EventDraft {
  return {
    type,
    date,
    unitId: null,
    details: {},
    decisionNumber: '',
    decisionDate: '',
    decisionBy: '',
    note: '',
  };
}

/** A recorded event as a draft, to start a correction from what was recorded. */
export function draftFromEvent(event: MemberEvent): EventDraft {
  const details: Partial<Record<DetailField, string>> = {};
  for (const [key, value] of Object.entries(event.details ?? {})) {
    if (key !== 'orderId' && value !== undefined && value !== null)
      details[key as DetailField] = String(value);
  }
  return {
    type: event.type,
    date: event.date,
    unitId: event.unitId,
    details,
    decisionNumber: event.decisionNumber ?? '',
    decisionDate: event.decisionDate ?? '',
    decisionBy: event.decidedBy ?? '',
    note: event.note ?? '',
  };
}

/** Whether a detail field is asked for, given the other answers (a temporary transfer's end, a dismissal's post). */
export function detailApplies(draft: EventDraft, field: DetailField): boolean {
  if (!(DETAIL_FIELDS[draft.type] ?? []).includes(field)) return false;
  if (draft.type === 'transfer_out' && (field === 'purpose' || field === 'until'))
    return draft.details.transferKind === 'temporary';
  if (draft.type === 'discipline' && field === 'post') return draft.details.form === 'dismissal';
  return true;
}

/**
 * The event the draft describes, with only the facts its type reads and only what was filled in;
 * null while the date is not a whole date (nothing worth checking yet).
 */
export function toEventInput(draft: EventDraft): MemberEventInput | null {
  if (!draft.type || !isUsableDate(draft.date)) return null;
  const details: Record<string, string> = {};
  for (const field of DETAIL_FIELDS[draft.type] ?? []) {
    if (!detailApplies(draft, field)) continue;
    const value = draft.details[field]?.trim();
    if (!value) continue;
    if (DATE_DETAILS.has(field) && !isUsableDate(value)) continue;
    details[field] = value;
  }
  const input: MemberEventInput = { type: draft.type, date: draft.date };
  if (UNIT_EVENT_TYPES.has(draft.type) && draft.unitId !== null) input.unitId = draft.unitId;
  if (Object.keys(details).length > 0) input.details = details as MemberEventDetails;
  const number = draft.decisionNumber.trim();
  const by = draft.decisionBy.trim();
  const date = isUsableDate(draft.decisionDate) ? draft.decisionDate : '';
  if (number || by || date) input.decision = { number: number || null, date: date || null, by: by || null };
  if (draft.note.trim()) input.note = draft.note.trim();
  return input;
}

/** A problem or a note to show beside a field: the rule set and source when the server gave them apart. */
export interface Finding {
  field: string;
  message: string;
  ruleSet?: string;
  source?: string;
}

/** The form field a server field names: `event.date`, `replacement.details.form` and `date` are all the date. */
export function formField(field: string | undefined): string {
  return (field ?? '').replace(/^(body\.|event\.|replacement\.)/, '');
}

/** What the dry-run check says, as findings keyed by form field. */
export function findingsOfCheck(check: EventCheck | undefined): { problems: Finding[]; warnings: Finding[] } {
  const map = (list: EventCheck['problems']) =>
    list.map((f) => ({
      field: formField(f.field),
      message: f.message,
      ruleSet: f.ruleSet,
      source: f.source,
    }));
  return { problems: map(check?.problems ?? []), warnings: map(check?.warnings ?? []) };
}

/** A refused write as findings: every broken rule (422) or the one field at fault (400). */
export function findingsOfError(error: unknown): Finding[] {
  // Read by shape, so this module stays free of the client (and of the browser it needs).
  if (!error || typeof error !== 'object' || !('violations' in error)) return [];
  const problem = error as ApiError;
  if (problem.violations.length > 0)
    return problem.violations.map((v) => ({ field: formField(v.field), message: v.message }));
  return [{ field: formField(problem.field), message: problem.detail }];
}
