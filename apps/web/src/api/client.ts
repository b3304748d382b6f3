import i18n from '../i18n';
import type { Violation } from './types';

/** A failure reported by the API: its stable code, a message already in the user's language, and the field at fault. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly violations: Violation[];

  constructor(
    status: number,
    body: { code?: string; detail?: string; field?: string; violations?: Violation[] },
  ) {
    super(body.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? 'internal_error';
    this.detail = body.detail ?? `HTTP ${status}`;
    this.field = body.field;
    this.violations = body.violations ?? [];
  }
}

export interface ApiResponse<T> {
  data: T;
  etag: string | null;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  ifMatch?: string | null;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Calls the API in the current UI language and returns the body with the resource's ETag. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': i18n.language || 'en',
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network_error', detail: i18n.t('errors.network') });
  }
  const etag = response.headers.get('ETag');
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const problem = (body && typeof body === 'object' ? body : {}) as ConstructorParameters<
      typeof ApiError
    >[1];
    if (!problem.detail) problem.detail = i18n.t('errors.http', { status: response.status });
    throw new ApiError(response.status, problem);
  }
  return { data: body as T, etag };
}

export async function get<T>(
  path: string,
  query?: RequestOptions['query'],
  signal?: AbortSignal,
): Promise<T> {
  return (await request<T>(path, { query, signal })).data;
}

/** The message to show for any error: the API's localized detail, or a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
