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
  /**
   * A 401 here is the answer itself (signing in, asking who is signed in), not a session that was
   * lost: do not send the user to the sign-in page.
   */
  anonymous?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The session's CSRF token, from GET /session or the sign-in answer. The cookie rides along on
 * every request, so the server asks each write to show this token too, which only the page can read.
 */
let csrfToken: string | null = null;
/** Whose session the token belongs to: a token fetched again must be the same person's. */
let csrfUserId: number | null = null;

export function setCsrfToken(token: string | null, userId: number | null = null): void {
  csrfToken = token;
  csrfUserId = token === null ? null : userId;
}

/** Headers a write made outside `request` (an upload with progress) must carry. */
export function writeHeaders(): Record<string, string> {
  return {
    'Accept-Language': i18n.language || 'en',
    ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
  };
}

let onUnauthenticated: () => void = () => {};

/** What to do when any call finds that nobody is signed in any more (the app shows the sign-in page). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': i18n.language || 'en',
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  if (!SAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network_error', detail: i18n.t('errors.network') });
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Fetches the current session's CSRF token again (another tab may have signed in since). */
async function refreshCsrfToken(): Promise<boolean> {
  const response = await send('/api/v1/session', { anonymous: true });
  if (!response.ok) return false;
  const body = (await readBody(response)) as { csrfToken?: string | null; user?: { id: number } } | undefined;
  // Someone else signed in in another tab: this page's write must not go out as them.
  if (csrfUserId !== null && body?.user?.id !== csrfUserId) {
    setCsrfToken(null);
    onUnauthenticated();
    return false;
  }
  csrfToken = body?.csrfToken ?? null;
  return csrfToken !== null;
}

/** Calls the API in the current UI language and returns the body with the resource's ETag. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  let response = await send(path, options);
  let body = await readBody(response);
  const codeOf = (b: unknown) => (b && typeof b === 'object' ? (b as { code?: unknown }).code : undefined);
  if (response.status === 403 && codeOf(body) === 'csrf_token_invalid' && (await refreshCsrfToken())) {
    response = await send(path, options);
    body = await readBody(response);
  }
  const etag = response.headers.get('ETag');
  if (!response.ok) {
    const problem = (body && typeof body === 'object' ? body : {}) as ConstructorParameters<
      typeof ApiError
    >[1];
    if (!problem.detail) problem.detail = i18n.t('errors.http', { status: response.status });
    const error = new ApiError(response.status, problem);
    // Only a lost session sends the user to sign in; a wrong password (sign_in_failed) is an answer.
    if (error.status === 401 && error.code === 'unauthenticated' && !options.anonymous) {
      setCsrfToken(null);
      onUnauthenticated();
    }
    throw error;
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
