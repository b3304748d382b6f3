import type { MemberRecord, MemberRecordFields } from '../../api/types';

export const VOCABULARY_FIELDS = ['sex', 'ethnicity', 'religion', 'education'] as const;
export type VocabularyField = (typeof VOCABULARY_FIELDS)[number];

/** Fields only readers with members.sensitive see and write. */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(['nationalId', 'ethnicity', 'religion']);

/** The record's fields in the order the member form lists them. */
export const RECORD_FIELDS = [
  'fullName',
  'birthName',
  'otherNames',
  'birthDate',
  'sex',
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
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

export interface RecordDraft {
  fields: Record<RecordField, string>;
  custom: Record<string, string>;
}

export function recordDraftOf(record?: Partial<MemberRecord>): RecordDraft {
  const fields = Object.fromEntries(
    RECORD_FIELDS.map((f) => [f, record?.[f] == null ? '' : String(record[f])]),
  ) as Record<RecordField, string>;
  const custom = Object.fromEntries(
    Object.entries(record?.custom ?? {}).map(([k, v]) => [k, v == null ? '' : String(v)]),
  );
  return { fields, custom };
}

function customValue(value: string, type: string | undefined): string | number | null {
  const v = value.trim();
  if (!v) return null;
  if (type === 'number' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** A new member's record: only what was filled in. */
export function recordInputOf(
  draft: RecordDraft,
  customTypes: Record<string, string> = {},
): MemberRecordFields {
  const out: Record<string, unknown> = { fullName: draft.fields.fullName.trim() };
  for (const f of RECORD_FIELDS) {
    const v = draft.fields[f].trim();
    if (f !== 'fullName' && v) out[f] = v;
  }
  const custom: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(draft.custom)) {
    const value = customValue(v, customTypes[k]);
    if (value !== null) custom[k] = value;
  }
  if (Object.keys(custom).length > 0) out.custom = custom;
  return out as unknown as MemberRecordFields;
}

/** What a change of the record sends: only the fields that differ from the record read (emptied ones as null). */
export function recordChangesOf(
  draft: RecordDraft,
  original: RecordDraft,
  customTypes: Record<string, string> = {},
): Partial<MemberRecordFields> {
  const out: Record<string, unknown> = {};
  for (const f of RECORD_FIELDS) {
    const now = draft.fields[f].trim();
    if (now !== original.fields[f].trim()) out[f] = f === 'fullName' ? now : now || null;
  }
  const keys = new Set([...Object.keys(draft.custom), ...Object.keys(original.custom)]);
  const changed = [...keys].filter(
    (k) => (draft.custom[k] ?? '').trim() !== (original.custom[k] ?? '').trim(),
  );
  if (changed.length > 0) {
    const custom: Record<string, string | number | null> = {};
    for (const k of keys)
      custom[k] = customValue(draft.custom[k] ?? original.custom[k] ?? '', customTypes[k]);
    out.custom = custom;
  }
  return out as Partial<MemberRecordFields>;
}
