import { isIsoDate, type IsoDate } from './dates.js';
import type { ApiLanguage } from './messages.js';
import type { MemberRules } from './member-rules.js';
import type { UnitKind } from './rule-pack.js';

/**
 * Bulk import (BRIEF capability 8): what a file's columns may be mapped to, and how the values
 * clerks write (dd/mm/yyyy, spreadsheet serials, vocabulary names in their language) are read.
 * Pure: the server streams the file, these functions judge one cell at a time.
 */

export const IMPORT_ENTITIES = ['members', 'units', 'events', 'cards'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

/** How a column's cells are read. */
export type ImportValueKind = 'text' | 'date' | 'vocabulary' | 'unit' | 'number' | 'choice';

export interface ImportField {
  /** `fullName`, `admissionDate`, `custom.party_card`… */
  key: string;
  kind: ImportValueKind;
  required: boolean;
  /** The column's name in each language; also matched against a file's headers. */
  labels: Record<ApiLanguage, string>;
  /** Other headers clerks use for it (matched after folding case and diacritics). */
  aliases?: readonly string[];
  /** vocabulary: which list of the rule pack; choice: the allowed codes. */
  vocabulary?: 'sex' | 'ethnicity' | 'religion' | 'education';
  choices?: readonly string[];
  /** text: the longest value accepted (characters). */
  maxLength?: number;
}

const text = (key: string, labels: Record<ApiLanguage, string>, aliases: string[] = []): ImportField => ({
  key,
  kind: 'text',
  required: false,
  labels,
  aliases,
  maxLength: 500,
});

/**
 * A member row: the personal record, the cell they belong to, and the dates of their admission
 * (QĐ 29-QĐ/TW §3: decision, ceremony, recognition as official). The lifecycle events are written
 * from these dates and judged by the rule set in force on each of them, like events typed by hand.
 */
const MEMBER_FIELDS: readonly ImportField[] = [
  {
    ...text('fullName', { en: 'Full name', vi: 'Họ và tên', ar: 'الاسم الكامل' }, [
      'name',
      'họ tên',
      'ho ten',
      'tên',
      'الاسم',
    ]),
    required: true,
  },
  text('birthName', { en: 'Birth name', vi: 'Tên khai sinh', ar: 'اسم الولادة' }),
  text('otherNames', { en: 'Other names', vi: 'Tên gọi khác', ar: 'أسماء أخرى' }, ['alias', 'bí danh']),
  {
    key: 'sex',
    kind: 'vocabulary',
    vocabulary: 'sex',
    required: false,
    labels: { en: 'Sex', vi: 'Giới tính', ar: 'الجنس' },
    aliases: ['gender'],
  },
  {
    key: 'birthDate',
    kind: 'date',
    required: false,
    labels: { en: 'Birth date', vi: 'Ngày sinh', ar: 'تاريخ الميلاد' },
    aliases: ['date of birth', 'dob', 'born', 'sinh ngày'],
  },
  text('birthPlace', { en: 'Birth place', vi: 'Nơi sinh', ar: 'مكان الميلاد' }),
  text('homeTown', { en: 'Home town', vi: 'Quê quán', ar: 'البلدة الأصلية' }),
  text('residence', { en: 'Residence', vi: 'Nơi ở hiện nay', ar: 'مكان الإقامة' }, [
    'address',
    'nơi ở',
    'địa chỉ',
  ]),
  {
    key: 'ethnicity',
    kind: 'vocabulary',
    vocabulary: 'ethnicity',
    required: false,
    labels: { en: 'Ethnicity', vi: 'Dân tộc', ar: 'العرق' },
  },
  {
    key: 'religion',
    kind: 'vocabulary',
    vocabulary: 'religion',
    required: false,
    labels: { en: 'Religion', vi: 'Tôn giáo', ar: 'الدين' },
  },
  {
    ...text('nationalId', { en: 'National ID', vi: 'Số CCCD', ar: 'رقم الهوية الوطنية' }, [
      'id number',
      'national id number',
      'cccd',
      'cmnd',
      'số cmnd',
      'căn cước công dân',
      'số định danh',
    ]),
    maxLength: 40,
  },
  {
    key: 'education',
    kind: 'vocabulary',
    vocabulary: 'education',
    required: false,
    labels: { en: 'Education', vi: 'Trình độ giáo dục phổ thông', ar: 'التعليم' },
    aliases: ['trình độ học vấn', 'học vấn', 'education level'],
  },
  text('profession', { en: 'Profession', vi: 'Nghề nghiệp', ar: 'المهنة' }, ['occupation', 'job']),
  text('phone', { en: 'Phone', vi: 'Điện thoại', ar: 'الهاتف' }, ['telephone', 'số điện thoại', 'sđt']),
  text('email', { en: 'Email', vi: 'Thư điện tử', ar: 'البريد الإلكتروني' }, ['e-mail']),
  {
    key: 'unit',
    kind: 'unit',
    required: true,
    labels: { en: 'Unit (code)', vi: 'Chi bộ (mã)', ar: 'الوحدة (الرمز)' },
    aliases: ['unit', 'unit code', 'cell', 'chi bộ', 'mã chi bộ', 'đơn vị', 'الخلية'],
  },
  {
    key: 'admissionDate',
    kind: 'date',
    required: true,
    labels: { en: 'Admission date', vi: 'Ngày vào Đảng', ar: 'تاريخ القبول' },
    aliases: ['admitted', 'admission', 'ngày kết nạp', 'joined'],
  },
  {
    key: 'ceremonyDate',
    kind: 'date',
    required: false,
    labels: { en: 'Ceremony date', vi: 'Ngày lễ kết nạp', ar: 'تاريخ حفل القبول' },
    aliases: ['ceremony'],
  },
  {
    key: 'officialDate',
    kind: 'date',
    required: false,
    labels: { en: 'Official since', vi: 'Ngày chính thức', ar: 'عضو رسمي منذ' },
    aliases: ['official date', 'recognition date', 'recognized', 'ngày công nhận chính thức'],
  },
  {
    ...text(
      'decisionNumber',
      { en: 'Admission decision', vi: 'Số quyết định kết nạp', ar: 'رقم قرار القبول' },
      ['decision', 'decision number', 'quyết định'],
    ),
    maxLength: 100,
  },
];

/**
 * A unit row: what the units export writes and a units import will read, under the labels the
 * unit screens use. `parent` is the parent's code on the day; `validUntil` is the first day the
 * state no longer holds (empty while it does), like every validity range in Rollbook.
 */
export const UNIT_FIELDS: readonly ImportField[] = [
  {
    ...text('code', { en: 'Code', vi: 'Mã', ar: 'الرمز' }, ['unit code', 'mã tổ chức']),
    required: true,
    maxLength: 50,
  },
  { ...text('name', { en: 'Name', vi: 'Tên', ar: 'الاسم' }, ['unit name', 'tên tổ chức']), required: true },
  { key: 'kind', kind: 'choice', required: true, labels: { en: 'Kind', vi: 'Loại', ar: 'النوع' } },
  {
    key: 'parent',
    kind: 'unit',
    required: false,
    labels: { en: 'Parent unit (code)', vi: 'Tổ chức cấp trên (mã)', ar: 'الوحدة الأم (الرمز)' },
    aliases: ['parent', 'parent code', 'cấp trên'],
  },
  {
    // Required: a unit is created by an order, and an order takes effect on a day.
    key: 'validFrom',
    kind: 'date',
    required: true,
    labels: { en: 'Valid from', vi: 'Hiệu lực từ ngày', ar: 'سارية من' },
    aliases: ['from', 'effective date', 'ngày thành lập'],
  },
  {
    key: 'validUntil',
    kind: 'date',
    required: false,
    labels: { en: 'Valid until', vi: 'Hiệu lực đến trước ngày', ar: 'سارية حتى' },
  },
];

/**
 * An events row (issue 5): a lifecycle event of a member already in the register, under the
 * headers the events export writes, so an exported file imports again. `unit` is the unit the event
 * names (the cell joined, the unit transferred to); `targetUnit`, when filled, wins for transfers,
 * as the export writes the unit left in `unit` and the destination there. `details` reads the
 * export's "Label: value; …" summary in any language, or detail codes ("transferKind: temporary").
 */
export const EVENT_FIELDS: readonly ImportField[] = [
  {
    ...text('member', { en: 'Member number', vi: 'Số hiệu', ar: 'رقم العضو' }, [
      'member',
      'member id',
      'memberId',
      'national id',
      'số cccd',
      'cccd',
      'رقم الهوية الوطنية',
    ]),
    required: true,
    maxLength: 40,
  },
  {
    key: 'type',
    kind: 'choice',
    required: true,
    labels: { en: 'Event', vi: 'Sự kiện', ar: 'الحدث' },
    aliases: ['event type', 'type', 'loại sự kiện'],
  },
  {
    key: 'date',
    kind: 'date',
    required: true,
    labels: { en: 'Event date', vi: 'Ngày diễn ra', ar: 'تاريخ الحدث' },
    aliases: ['date', 'ngày'],
  },
  {
    key: 'unit',
    kind: 'unit',
    required: false,
    labels: { en: 'Unit (code)', vi: 'Chi bộ (mã)', ar: 'الوحدة (الرمز)' },
    aliases: ['unit', 'unit code', 'chi bộ', 'mã chi bộ'],
  },
  {
    key: 'targetUnit',
    kind: 'unit',
    required: false,
    labels: { en: 'Moved to (code)', vi: 'Chuyển đến (mã)', ar: 'نُقل إلى (الرمز)' },
    aliases: ['target unit', 'moved to code'],
  },
  text('details', { en: 'Details', vi: 'Chi tiết', ar: 'التفاصيل' }),
  {
    ...text('decisionNumber', { en: 'Decision number', vi: 'Số quyết định', ar: 'رقم القرار' }, ['decision']),
    maxLength: 100,
  },
  {
    key: 'decisionDate',
    kind: 'date',
    required: false,
    labels: { en: 'Decision date', vi: 'Ngày quyết định', ar: 'تاريخ القرار' },
  },
  { ...text('decidedBy', { en: 'Decided by', vi: 'Cấp quyết định', ar: 'الجهة المقررة' }), maxLength: 200 },
  text('note', { en: 'Note', vi: 'Ghi chú', ar: 'ملاحظة' }),
];

/** How a card came to be (research/domain-rules.md §2): first issue, re-issue after loss or damage, exchange in a campaign. */
export const CARD_KINDS = ['issue', 'reissue', 'exchange'] as const;
/** Why a card stopped being valid, when the file says so (a replaced card is ended by the card replacing it). */
export const CARD_END_REASONS = ['lost', 'recovered', 'kept_by_family'] as const;

/** The words clerks write for card kinds and end reasons, matched after folding case and diacritics. */
export const CARD_WORDS: Record<string, Record<ApiLanguage, string>> = {
  issue: { en: 'Issue', vi: 'Cấp mới', ar: 'إصدار' },
  reissue: { en: 'Re-issue', vi: 'Cấp lại', ar: 'إعادة إصدار' },
  exchange: { en: 'Exchange', vi: 'Đổi thẻ', ar: 'استبدال' },
  lost: { en: 'Lost', vi: 'Mất thẻ', ar: 'مفقودة' },
  recovered: { en: 'Recovered', vi: 'Thu hồi', ar: 'مستردة' },
  kept_by_family: { en: 'Kept by the family', vi: 'Gia đình giữ', ar: 'احتفظت بها الأسرة' },
};

/**
 * A card row (issue 5): one card of a member already in the register, as a card register keeps it —
 * the number, the day it was issued and how, and, when it no longer holds, the day and why. A
 * member's cards are read in date order: a re-issue or an exchange replaces the card before it.
 * `kind` may be left empty: the first card is an issue, a later one a re-issue. An exchange names
 * its campaign (by name, or #id).
 */
export const CARD_FIELDS: readonly ImportField[] = [
  // The member, as in an events file: member number or national ID.
  EVENT_FIELDS[0]!,
  {
    ...text('number', { en: 'Card number', vi: 'Số thẻ', ar: 'رقم البطاقة' }, [
      'card',
      'card no',
      'số thẻ đảng',
    ]),
    required: true,
    maxLength: 60,
  },
  {
    key: 'issuedOn',
    kind: 'date',
    required: true,
    labels: { en: 'Issued on', vi: 'Ngày cấp', ar: 'تاريخ الإصدار' },
    aliases: ['issue date', 'issued', 'date'],
  },
  {
    key: 'kind',
    kind: 'choice',
    required: false,
    labels: { en: 'How issued', vi: 'Hình thức cấp', ar: 'طريقة الإصدار' },
    aliases: ['kind', 'card kind', 'loại'],
    choices: CARD_KINDS,
  },
  {
    ...text('campaign', { en: 'Exchange campaign', vi: 'Đợt đổi thẻ', ar: 'حملة الاستبدال' }, ['campaign']),
    maxLength: 200,
  },
  {
    key: 'endedOn',
    kind: 'date',
    required: false,
    labels: { en: 'Valid until', vi: 'Hết hiệu lực từ ngày', ar: 'صالحة حتى' },
    aliases: ['ended on', 'end date'],
  },
  {
    key: 'endReason',
    kind: 'choice',
    required: false,
    labels: { en: 'Why it ended', vi: 'Lý do hết hiệu lực', ar: 'سبب الانتهاء' },
    aliases: ['end reason', 'reason'],
    choices: CARD_END_REASONS,
  },
];

/** The fields a file of this entity may fill: the built-in ones, then the rule pack's custom fields. */
export function importFields(entity: ImportEntity, rules: MemberRules): ImportField[] {
  switch (entity) {
    case 'units':
      return [...UNIT_FIELDS];
    case 'events':
      return [...EVENT_FIELDS];
    case 'cards':
      return [...CARD_FIELDS];
    case 'members':
      return [
        ...MEMBER_FIELDS,
        ...rules.pack.customFields.map((def): ImportField => ({
          key: `custom.${def.code}`,
          kind:
            def.type === 'number'
              ? 'number'
              : def.type === 'date'
                ? 'date'
                : def.type === 'choice'
                  ? 'choice'
                  : 'text',
          required: def.required ?? false,
          labels: {
            en: def.names.en ?? def.code,
            vi: def.names.vi ?? def.names.en ?? def.code,
            ar: def.names.ar ?? def.names.en ?? def.code,
          },
          ...(def.choices && { choices: def.choices }),
          ...(def.type === 'text' && { maxLength: 500 }),
        })),
      ];
  }
}

/**
 * Headers compared the way people write them: case, diacritics (Vietnamese đ included), Arabic
 * harakat and tatweel, spaces, dots and underscores do not count.
 */
export function foldHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s._\-:()/*]+/g, '');
}

/** Which header each field takes, guessed from its labels and aliases; a header is used once. */
export function guessMapping(
  headers: readonly string[],
  fields: readonly ImportField[],
): Record<string, string> {
  const byFolded = new Map<string, string>();
  for (const h of headers) if (h.trim() && !byFolded.has(foldHeader(h))) byFolded.set(foldHeader(h), h);
  const mapping: Record<string, string> = {};
  const used = new Set<string>();
  for (const field of fields) {
    const names = [field.key, ...Object.values(field.labels), ...(field.aliases ?? [])];
    for (const name of names) {
      const header = byFolded.get(foldHeader(name));
      if (header !== undefined && !used.has(header)) {
        mapping[field.key] = header;
        used.add(header);
        break;
      }
    }
  }
  return mapping;
}

/** How dates written with slashes or dots are ordered in a file. */
export const DATE_ORDERS = ['dmy', 'mdy'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/** Day 0 of spreadsheet serial dates (the 1900 system, with its phantom 29 Feb 1900 counted). */
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A spreadsheet serial day (45292 = 2024-01-01) as an ISO date. */
export function serialToIsoDate(serial: number): IsoDate {
  return new Date(SERIAL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A date as clerks write it: ISO (2024-03-05), day first (05/03/2024, 5.3.2024, 05-03-2024) or
 * month first when the file says so, or a spreadsheet serial (45356). Null when it is none of them.
 */
export function parseImportDate(value: string, order: DateOrder = 'dmy'): IsoDate | null {
  const v = value.trim();
  if (isIsoDate(v)) return v;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (iso) return checked(iso[1]!, iso[2]!, iso[3]!);
  const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (parts) {
    const [first, second] = [parts[1]!, parts[2]!];
    return order === 'dmy' ? checked(parts[3]!, second, first) : checked(parts[3]!, first, second);
  }
  // Serials from 1 (1900-01-01) to 2958465 (9999-12-31); 4-digit values would read as years, so
  // only 5 digits and up (1927 on) are taken as serials.
  if (/^\d{5,7}$/.test(v)) {
    const n = Number(v);
    if (n <= 2_958_465) return serialToIsoDate(n);
  }
  return null;
}

function checked(y: string, m: string, d: string): IsoDate | null {
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDate(date) ? date : null;
}

/**
 * A vocabulary value as clerks write it: the code, or its name in any language of the rule pack
 * ("Nữ", "female", "أنثى"), case and diacritics aside. Built once per import.
 */
export function vocabularyReader(
  rules: MemberRules,
  name: 'sex' | 'ethnicity' | 'religion' | 'education',
): ((value: string) => string | null) | null {
  const entries = rules.vocabulary(name);
  if (!entries) return null;
  const byName = new Map<string, string>();
  for (const e of entries) {
    byName.set(foldHeader(e.code), e.code);
    for (const label of Object.values(e.names)) if (label) byName.set(foldHeader(label), e.code);
  }
  return (value) => byName.get(foldHeader(value)) ?? null;
}

/**
 * A unit kind as clerks write it: the rule pack's code ("cell") or its name in any language
 * ("Chi bộ", "الخلية"), as the units export writes it in the reader's language. Built once per import.
 */
export function unitKindReader(kinds: readonly UnitKind[]): (value: string) => string | null {
  const byName = new Map<string, string>();
  // Codes first so a name never hides a code; names of one language may repeat in another.
  for (const k of kinds) byName.set(foldHeader(k.code), k.code);
  for (const k of kinds)
    for (const label of Object.values(k.names))
      if (label && !byName.has(foldHeader(label))) byName.set(foldHeader(label), k.code);
  return (value) => byName.get(foldHeader(value)) ?? null;
}
