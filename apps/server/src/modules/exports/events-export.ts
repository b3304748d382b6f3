import { type ApiLanguage, AppError, type IsoDate, reason } from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope, type Scope, scopeFor } from '../access/actor.js';
import { isUnitVisible, unitInScope } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { SENSITIVE_EVENTS } from '../members/members.service.js';
import {
  type Cell,
  chooseColumns,
  type ExportColumn,
  type ExportFile,
  type ExportFormat,
  writeExport,
} from './spreadsheet.js';

/**
 * Streams the lifecycle events of a period (BRIEF capability 8): admissions, transfers, exits…
 * in date order, a page at a time. An event belongs to the unit where it happened — the member's
 * unit that day, or the day before for a transfer out or a reorganization, which take the member
 * away — and a reader sees the events of the units in their scope on that day.
 */

type Texts = Record<ApiLanguage, string>;

const COLUMNS: Record<string, Texts> = {
  memberId: { en: 'Member number', vi: 'Số hiệu', ar: 'رقم العضو' },
  fullName: { en: 'Full name', vi: 'Họ và tên', ar: 'الاسم الكامل' },
  type: { en: 'Event', vi: 'Sự kiện', ar: 'الحدث' },
  date: { en: 'Event date', vi: 'Ngày diễn ra', ar: 'تاريخ الحدث' },
  unit: { en: 'Unit (code)', vi: 'Chi bộ (mã)', ar: 'الوحدة (الرمز)' },
  unitName: { en: 'Unit name', vi: 'Tên chi bộ', ar: 'اسم الوحدة' },
  targetUnit: { en: 'Moved to (code)', vi: 'Chuyển đến (mã)', ar: 'نُقل إلى (الرمز)' },
  targetUnitName: { en: 'Moved to', vi: 'Chuyển đến', ar: 'نُقل إلى' },
  details: { en: 'Details', vi: 'Chi tiết', ar: 'التفاصيل' },
  decisionNumber: { en: 'Decision number', vi: 'Số quyết định', ar: 'رقم القرار' },
  decisionDate: { en: 'Decision date', vi: 'Ngày quyết định', ar: 'تاريخ القرار' },
  decidedBy: { en: 'Decided by', vi: 'Cấp quyết định', ar: 'الجهة المقررة' },
  note: { en: 'Note', vi: 'Ghi chú', ar: 'ملاحظة' },
  recordedAt: { en: 'Recorded at', vi: 'Thời điểm ghi nhận', ar: 'وقت التسجيل' },
  correctedAt: { en: 'Corrected at', vi: 'Thời điểm đính chính', ar: 'وقت التصحيح' },
};

/** The event types as the member screens name them. */
export const EVENT_TYPES: Record<string, Texts> = {
  application: { en: 'Application', vi: 'Đơn xin vào Đảng', ar: 'طلب انتساب' },
  admission: { en: 'Admission', vi: 'Kết nạp', ar: 'قبول' },
  ceremony: { en: 'Admission ceremony', vi: 'Lễ kết nạp', ar: 'حفل القبول' },
  recognition: { en: 'Recognition as official', vi: 'Công nhận chính thức', ar: 'اعتماد كعضو رسمي' },
  non_recognition: { en: 'Non-recognition', vi: 'Không công nhận chính thức', ar: 'عدم الاعتماد' },
  transfer_out: { en: 'Transfer out', vi: 'Chuyển sinh hoạt đi', ar: 'نقل إلى الخارج' },
  transfer_in: { en: 'Transfer accepted', vi: 'Tiếp nhận sinh hoạt', ar: 'قبول النقل' },
  transfer_return: {
    en: 'Return from a temporary transfer',
    vi: 'Trở về sau sinh hoạt tạm thời',
    ar: 'عودة من نقل مؤقت',
  },
  exemption: { en: 'Exemption', vi: 'Miễn công tác và sinh hoạt', ar: 'إعفاء' },
  exemption_end: { en: 'End of exemption', vi: 'Trở lại sinh hoạt', ar: 'انتهاء الإعفاء' },
  suspension: { en: 'Suspension', vi: 'Đình chỉ sinh hoạt', ar: 'إيقاف' },
  suspension_extension: { en: 'Extension of suspension', vi: 'Gia hạn đình chỉ', ar: 'تمديد الإيقاف' },
  suspension_end: { en: 'End of suspension', vi: 'Chấm dứt đình chỉ', ar: 'انتهاء الإيقاف' },
  discipline: { en: 'Discipline', vi: 'Kỷ luật', ar: 'تأديب' },
  removal: { en: 'Removal of name', vi: 'Xóa tên', ar: 'شطب الاسم' },
  resignation: { en: 'Resignation', vi: 'Xin ra khỏi Đảng', ar: 'استقالة' },
  death: { en: 'Death', vi: 'Từ trần', ar: 'وفاة' },
  readmission: { en: 'Readmission', vi: 'Kết nạp lại', ar: 'إعادة قبول' },
  reorganization: {
    en: 'Moved by reorganization',
    vi: 'Chuyển theo sắp xếp tổ chức',
    ar: 'نقل بإعادة التنظيم',
  },
};

/** Detail fields as the event forms name them, with their choices; others are written as stored. */
export const DETAILS: Record<string, { label: Texts; choices?: Record<string, Texts> }> = {
  ceremonyDate: { label: { en: 'Ceremony date', vi: 'Ngày lễ kết nạp', ar: 'تاريخ الحفل' } },
  transferKind: {
    label: { en: 'Kind of transfer', vi: 'Hình thức chuyển', ar: 'نوع النقل' },
    choices: {
      official: { en: 'Official', vi: 'Chính thức', ar: 'رسمي' },
      temporary: { en: 'Temporary', vi: 'Tạm thời', ar: 'مؤقت' },
      internal: { en: 'Within the organization', vi: 'Trong nội bộ', ar: 'داخل المنظمة' },
    },
  },
  purpose: {
    label: { en: 'Purpose', vi: 'Mục đích', ar: 'الغرض' },
    choices: {
      work: { en: 'Work', vi: 'Công tác', ar: 'عمل' },
      study: { en: 'Study', vi: 'Học tập', ar: 'دراسة' },
      residence: { en: 'Residence', vi: 'Cư trú', ar: 'إقامة' },
    },
  },
  until: { label: { en: 'Last day', vi: 'Ngày cuối', ar: 'اليوم الأخير' } },
  slipNumber: { label: { en: 'Slip number', vi: 'Số giấy giới thiệu', ar: 'رقم الورقة' } },
  exemptionReason: {
    label: { en: 'Reason', vi: 'Lý do', ar: 'السبب' },
    choices: {
      age: { en: 'Advanced age', vi: 'Tuổi cao', ar: 'تقدم السن' },
      health: { en: 'Poor health', vi: 'Sức khỏe yếu', ar: 'اعتلال الصحة' },
    },
  },
  suspensionGround: {
    label: { en: 'Ground', vi: 'Căn cứ', ar: 'السبب' },
    choices: {
      investigation: { en: 'Investigation', vi: 'Để thẩm tra', ar: 'تحقيق' },
      custody: { en: 'Custody', vi: 'Bị tạm giữ, tạm giam', ar: 'احتجاز' },
      indictment: { en: 'Indictment', vi: 'Bị truy tố', ar: 'اتهام' },
    },
  },
  form: {
    label: { en: 'Form of discipline', vi: 'Hình thức kỷ luật', ar: 'نوع العقوبة' },
    choices: {
      reprimand: { en: 'Reprimand', vi: 'Khiển trách', ar: 'توبيخ' },
      warning: { en: 'Warning', vi: 'Cảnh cáo', ar: 'إنذار' },
      dismissal: { en: 'Dismissal', vi: 'Cách chức', ar: 'عزل' },
      expulsion: { en: 'Expulsion', vi: 'Khai trừ', ar: 'طرد' },
    },
  },
  post: { label: { en: 'Post', vi: 'Chức vụ', ar: 'المنصب' } },
  ground: { label: { en: 'Ground for removal', vi: 'Trường hợp xóa tên', ar: 'سبب الشطب' } },
};

/** Internal references (unit ids) mean nothing in a file: the unit columns name the units. */
const HIDDEN_DETAILS = new Set(['fromUnitId']);

/** Every column an event export may hold, in the order they are written when none are chosen. */
export function eventExportColumns(lang: ApiLanguage): ExportColumn[] {
  return Object.entries(COLUMNS).map(([key, labels]) => ({ key, label: labels[lang] }));
}

export interface EventExportQuery {
  from: IsoDate;
  /** The last day of the period (included). */
  to: IsoDate;
  unitId?: number;
  includeCorrected?: boolean;
  columns?: readonly string[];
  format: ExportFormat;
  /** Events per query (tests make it small to cross pages). */
  pageSize?: number;
}

/** The period when none is given: this year. */
export function defaultPeriod(today: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
}

const PAGE = 2000;

interface EventRow {
  id: number;
  memberId: number;
  fullName: string | null;
  type: string;
  date: string;
  unit: string | null;
  unitName: string | null;
  targetUnit: string | null;
  targetUnitName: string | null;
  details: Record<string, unknown>;
  decisionNumber: string | null;
  decisionDate: string | null;
  decidedBy: string | null;
  note: string | null;
  recordedAt: string;
  correctedAt: string | null;
  restricted: boolean;
}

async function* eventRows(
  ctx: AppContext,
  scope: Scope,
  q: EventExportQuery,
  sensitive: Scope | null,
): AsyncGenerator<EventRow> {
  const tz = ctx.config.timeZone;
  const stamp = (column: ReturnType<typeof sql>) =>
    sql`to_char(${column} at time zone ${tz}, 'YYYY-MM-DD HH24:MI')`;
  const narrow: Scope | null = q.unitId === undefined ? null : { all: false, roots: [q.unitId] };
  const size = q.pageSize ?? PAGE;
  let after: { date: string; id: number } | null = null;
  for (;;) {
    const page: { rows: EventRow[] } = await sql<EventRow>`
      select e.id, e.member_id as "memberId", r.full_name as "fullName", e.type, e.event_date::text as date,
        uv.code as unit, uv.name as "unitName", tv.code as "targetUnit", tv.name as "targetUnitName",
        e.details, e.decision_number as "decisionNumber", e.decision_date::text as "decisionDate",
        e.decided_by as "decidedBy", e.note, ${stamp(sql`e.recorded_at`)} as "recordedAt",
        ${stamp(sql`e.corrected_at`)} as "correctedAt",
        ${
          // Discipline and case matters: details only where the reader holds members.sensitive.
          sensitive === null
            ? sql`e.type = any(${[...SENSITIVE_EVENTS]}::text[])`
            : sql`(e.type = any(${[...SENSITIVE_EVENTS]}::text[]) and not ${unitInScope(sensitive, sql`w.unit_id`, sql`d.day`)})`
        } as restricted
      from member_event e
      cross join lateral (select case when e.type in ('transfer_out', 'reorganization')
        then e.event_date - 1 else e.event_date end as day) d
      cross join lateral (select coalesce((
        select case when e.type = 'transfer_in' then coalesce(s.host_unit_id, s.unit_id) else s.unit_id end
        from member_span s where s.member_id = e.member_id and s.valid @> d.day limit 1), e.unit_id) as unit_id) w
      left join lateral (select x.full_name from member_record x
        where x.member_id = e.member_id and x.superseded_at is null
        order by x.valid @> e.event_date desc, upper(x.valid) desc nulls first limit 1) r on true
      left join unit_version uv on uv.unit_id = w.unit_id and uv.superseded_at is null and uv.valid @> d.day
      left join unit_version tv on tv.unit_id = e.unit_id and tv.superseded_at is null
        and tv.valid @> e.event_date and e.type in ('transfer_out', 'transfer_in', 'reorganization')
      where e.event_date between ${q.from}::date and ${q.to}::date
        ${q.includeCorrected ? sql`` : sql`and e.corrected_at is null`}
        and ${unitInScope(scope, sql`w.unit_id`, sql`d.day`)}
        ${narrow ? sql`and ${unitInScope(narrow, sql`w.unit_id`, sql`d.day`)}` : sql``}
        ${
          after === null
            ? sql``
            : sql`and e.event_date >= ${after.date}::date and (e.event_date, e.id) > (${after.date}::date, ${after.id}::bigint)`
        }
      order by e.event_date, e.id
      limit ${size}`.execute(ctx.db);
    yield* page.rows;
    if (page.rows.length < size) return;
    const last = page.rows[page.rows.length - 1]!;
    after = { date: last.date, id: last.id };
  }
}

const DETAIL_ORDER = Object.keys(DETAILS);

/** The details in the order the forms ask for them (stored JSON keeps no order). */
function detailsSummary(details: Record<string, unknown>, lang: ApiLanguage): string | null {
  const rank = (key: string) =>
    DETAIL_ORDER.includes(key) ? DETAIL_ORDER.indexOf(key) : DETAIL_ORDER.length;
  const parts = Object.entries(details ?? {})
    .filter(
      ([key, value]) => !HIDDEN_DETAILS.has(key) && value !== null && value !== undefined && value !== '',
    )
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([key, value]) => {
      const known = DETAILS[key];
      const text =
        typeof value === 'string' ? (known?.choices?.[value]?.[lang] ?? value) : JSON.stringify(value);
      return `${known?.label[lang] ?? key}: ${text}`;
    });
  return parts.length ? parts.join('; ') : null;
}

/**
 * Starts an event export: checks the scope, the period and the columns, records it in the audit
 * trail, and answers a stream that reads the events page by page.
 */
export async function exportEvents(
  ctx: AppContext,
  actor: Actor,
  q: EventExportQuery,
  lang: ApiLanguage,
): Promise<ExportFile> {
  const scope = requireScope(actor, 'members.read');
  if (q.to < q.from)
    throw new AppError('validation_failed', {
      field: 'to',
      params: { reason: reason('on_or_after'), after: q.from },
    });
  if (q.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, q.unitId, q.to)))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${q.unitId}` } });
  const columns = chooseColumns(eventExportColumns(lang), q.columns);
  const sensitive = scopeFor(actor, 'members.sensitive');
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, {
      action: 'events.export',
      entity: { type: 'member', id: null },
      unitIds: q.unitId !== undefined ? [q.unitId] : scope.all ? [] : [...scope.roots],
      after: {
        from: q.from,
        to: q.to,
        includeCorrected: q.includeCorrected ?? false,
        columns: columns.map((c) => c.key),
        format: q.format,
      },
    }),
  );
  async function* rows(): AsyncGenerator<Record<string, Cell>> {
    for await (const e of eventRows(ctx, scope, q, sensitive))
      yield {
        memberId: e.memberId,
        fullName: e.fullName,
        type: EVENT_TYPES[e.type]?.[lang] ?? e.type,
        date: e.date,
        unit: e.unit,
        unitName: e.unitName,
        targetUnit: e.targetUnit,
        targetUnitName: e.targetUnitName,
        details: e.restricted ? null : detailsSummary(e.details, lang),
        decisionNumber: e.restricted ? null : e.decisionNumber,
        decisionDate: e.decisionDate,
        decidedBy: e.decidedBy,
        note: e.restricted ? null : e.note,
        recordedAt: e.recordedAt,
        correctedAt: e.correctedAt,
      };
  }
  return writeExport({
    base: `rollbook-events-${q.from}-${q.to}`,
    format: q.format,
    lang,
    sheetName: { en: 'Events', vi: 'Sự kiện', ar: 'الأحداث' }[lang],
    columns,
    rows: rows(),
  });
}
