import { buildUrl, get, request } from '../../../api/client';
import type {
  EventCheck,
  IsoDate,
  MemberDetail,
  MemberEvent,
  MemberEventInput,
  MemberFigures,
  MemberListFilter,
  MemberListItem,
  MemberRecordVersion,
  MemberWriteResult,
  NewMemberInput,
  Page,
  RecordChangeInput,
  WorkItem,
} from '../../../api/types';
import i18n from '../../../i18n';

const BASE = '/api/v1/members';

/** The ETag a write must send back: the member's version the user last saw. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function listMembers(
  filter: MemberListFilter & { asOf: IsoDate; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<Page<MemberListItem>> {
  return get<Page<MemberListItem>>(BASE, { ...filter }, signal);
}

export function getMember(id: number, asOf: IsoDate, signal?: AbortSignal): Promise<MemberDetail> {
  return get<MemberDetail>(`${BASE}/${id}`, { asOf }, signal);
}

export function listMemberEvents(
  id: number,
  includeCorrected: boolean,
  signal?: AbortSignal,
): Promise<{ items: MemberEvent[] }> {
  return get<{ items: MemberEvent[] }>(
    `${BASE}/${id}/events`,
    { includeCorrected: includeCorrected ? 'true' : undefined },
    signal,
  );
}

export function getRecordHistory(
  id: number,
  includeSuperseded: boolean,
  signal?: AbortSignal,
): Promise<{ items: MemberRecordVersion[] }> {
  return get<{ items: MemberRecordVersion[] }>(
    `${BASE}/${id}/record/history`,
    { includeSuperseded: includeSuperseded ? 'true' : undefined },
    signal,
  );
}

export async function createMember(input: NewMemberInput): Promise<MemberWriteResult> {
  return (await request<MemberWriteResult>(BASE, { method: 'POST', body: input })).data;
}

/** Checks an event without recording it: the rules it would break and the notes it would get. */
export async function checkEvent(
  id: number,
  input: MemberEventInput,
  signal?: AbortSignal,
): Promise<EventCheck> {
  return (await request<EventCheck>(`${BASE}/${id}/events/check`, { method: 'POST', body: input, signal }))
    .data;
}

export async function recordEvent(
  id: number,
  version: number,
  input: MemberEventInput,
): Promise<MemberWriteResult> {
  return (
    await request<MemberWriteResult>(`${BASE}/${id}/events`, {
      method: 'POST',
      body: input,
      ifMatch: etagOf(version),
    })
  ).data;
}

export async function correctEvent(
  id: number,
  version: number,
  eventId: number,
  body: { reason: string; replacement?: MemberEventInput | null },
): Promise<MemberWriteResult> {
  return (
    await request<MemberWriteResult>(`${BASE}/${id}/events/${eventId}/correct`, {
      method: 'POST',
      body,
      ifMatch: etagOf(version),
    })
  ).data;
}

export async function changeRecord(
  id: number,
  version: number,
  body: RecordChangeInput,
): Promise<MemberDetail> {
  return (
    await request<MemberDetail>(`${BASE}/${id}/record`, { method: 'PATCH', body, ifMatch: etagOf(version) })
  ).data;
}

export function getMemberFigures(
  unitId: number,
  query: { asOf: IsoDate; from?: IsoDate; to?: IsoDate },
  signal?: AbortSignal,
): Promise<MemberFigures> {
  return get<MemberFigures>(`/api/v1/units/${unitId}/member-figures`, { ...query }, signal);
}

/** A unit's member figures as a file to download (a link), labelled in the UI's language. */
export function memberFiguresExportUrl(query: {
  unitId: number;
  asOf: IsoDate;
  from?: IsoDate;
  to?: IsoDate;
  format: 'csv' | 'xlsx' | 'pdf';
}): string {
  return buildUrl('/api/v1/exports/figures', { ...query, lang: i18n.language });
}

export function getWorkList(
  query: { asOf: IsoDate; unit?: number; horizonDays?: number },
  signal?: AbortSignal,
): Promise<{ items: WorkItem[] }> {
  return get<{ items: WorkItem[] }>('/api/v1/work-list', { ...query }, signal);
}
