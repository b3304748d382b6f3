import type { ImportEntity } from '@rollbook/domain';
import { ApiError, buildUrl, get, request, writeHeaders } from '../../../api/client';
import type { Page } from '../../../api/types';
import i18n from '../../../i18n';

const BASE = '/api/v1/imports';

export type ImportStatus =
  'uploaded' | 'validating' | 'invalid' | 'validated' | 'committing' | 'committed' | 'failed' | 'cancelled';

export interface ImportField {
  key: string;
  label: string;
  required: boolean;
  kind: string;
}

export interface ImportJob {
  id: number;
  entity: ImportEntity;
  status: ImportStatus;
  fileName: string;
  fileBytes: number;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  mapping: Record<string, string> | null;
  options: { dateOrder?: 'dmy' | 'mdy' };
  unitId: number | null;
  rowsTotal: number | null;
  rowsDone: number;
  problemCount: number;
  failure: { code: string; params: Record<string, string | number> } | null;
  failureMessage?: string;
  result: {
    members?: number;
    events?: number;
    units?: number;
    cards?: number;
    alreadyImportedBy?: number;
  } | null;
  createdBy: string;
  createdAt: string;
  fields: ImportField[];
  progress: {
    rowsDone: number;
    rowsTotal: number | null;
    fraction: number;
    step: string | null;
    rowsPerSecond: number | null;
    secondsLeft: number | null;
  } | null;
  /** After a template is applied: the columns it maps that this file does not have. */
  missingColumns?: Array<{ field: string; column: string; message: string }>;
}

/** A saved column mapping, applied to the next file from the same source. */
export interface ImportTemplate {
  id: number;
  entity: ImportEntity;
  name: string;
  mapping: Record<string, string>;
  options: { dateOrder?: 'dmy' | 'mdy' };
  unitId: number | null;
  version: number;
  createdBy: string;
  createdAt: string;
}

export interface ImportProblem {
  seq: number;
  row: number | null;
  column: string | null;
  field: string | null;
  value: string | null;
  reason: string;
  message: string;
}

export function listImports(cursor: string | undefined, signal?: AbortSignal): Promise<Page<ImportJob>> {
  return get<Page<ImportJob>>(BASE, { cursor, limit: 20 }, signal);
}

export function getImport(id: number, signal?: AbortSignal): Promise<ImportJob> {
  return get<ImportJob>(`${BASE}/${id}`, undefined, signal);
}

export function listProblems(
  id: number,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Page<ImportProblem>> {
  return get<Page<ImportProblem>>(`${BASE}/${id}/problems`, { cursor, limit: 200 }, signal);
}

/** The problems as CSV or a workbook: a plain link does, since the session cookie rides along on a GET. */
export function problemsFileUrl(id: number, format: 'csv' | 'xlsx'): string {
  return buildUrl(`${BASE}/${id}/problems.${format}`, { lang: i18n.language });
}

export async function listTemplates(entity: ImportEntity, signal?: AbortSignal): Promise<ImportTemplate[]> {
  return (await get<{ items: ImportTemplate[] }>(`${BASE}/templates`, { entity }, signal)).items;
}

export async function createTemplate(input: {
  entity: ImportEntity;
  name: string;
  mapping: Record<string, string>;
  dateOrder: 'dmy' | 'mdy';
}): Promise<ImportTemplate> {
  return (
    await request<ImportTemplate>(`${BASE}/templates`, {
      method: 'POST',
      body: input,
    })
  ).data;
}

export async function applyTemplate(id: number, templateId: number): Promise<ImportJob> {
  return (await request<ImportJob>(`${BASE}/${id}/template`, { method: 'POST', body: { templateId } })).data;
}

/** The members of a subtree as a file: a link, streamed by the server, in the UI's language. */
export function membersExportUrl(query: {
  unitId?: number;
  asOf: string;
  status?: string;
  format: 'csv' | 'xlsx';
}): string {
  return buildUrl('/api/v1/exports/members', { ...query, lang: i18n.language });
}

export async function validateImport(
  id: number,
  input: { mapping: Record<string, string>; dateOrder: 'dmy' | 'mdy' },
): Promise<ImportJob> {
  return (await request<ImportJob>(`${BASE}/${id}/validate`, { method: 'POST', body: input })).data;
}

export async function commitImport(id: number): Promise<ImportJob> {
  return (await request<ImportJob>(`${BASE}/${id}/commit`, { method: 'POST' })).data;
}

export async function cancelImport(id: number): Promise<ImportJob> {
  return (await request<ImportJob>(`${BASE}/${id}/cancel`, { method: 'POST' })).data;
}

/**
 * Sends a file as the request body, reporting how much has gone (fetch cannot tell upload
 * progress; XMLHttpRequest can). The server streams it to disk and answers with the new import.
 */
export function uploadFile(
  file: File,
  unitId: number | null,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
  entity: ImportEntity = 'members',
): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl(BASE, { entity, fileName: file.name, unitId }));
    for (const [name, value] of Object.entries(writeHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader(
      'Content-Type',
      file.name.toLowerCase().endsWith('.xlsx') ? 'application/octet-stream' : 'text/csv',
    );
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = {};
      }
      if (xhr.status === 201) resolve(body as ImportJob);
      else {
        const problem = body as { code?: string; detail?: string; field?: string };
        reject(
          new ApiError(xhr.status, {
            ...problem,
            detail: problem.detail ?? i18n.t('errors.http', { status: xhr.status }),
          }),
        );
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { code: 'network_error', detail: i18n.t('errors.network') }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
