import { ApiError, get, request } from '../../../api/client';
import type { Session, SetupState } from '../../../api/types';

const BASE = '/api/v1';

export function getSetupState(signal?: AbortSignal): Promise<SetupState> {
  return get<SetupState>(`${BASE}/setup`, undefined, signal);
}

/** The signed-in session, or null when nobody is signed in. */
export async function getSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return (await request<Session>(`${BASE}/session`, { signal, anonymous: true })).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(input: { username: string; password: string }): Promise<Session> {
  return (await request<Session>(`${BASE}/session`, { method: 'POST', body: input, anonymous: true })).data;
}

/** Creates the first administrator (only while no user exists) and signs in as them. */
export async function setUp(input: {
  username: string;
  displayName: string;
  password: string;
}): Promise<Session> {
  return (await request<Session>(`${BASE}/setup`, { method: 'POST', body: input, anonymous: true })).data;
}

/** Ends this browser's session (or every session of the user, on every device); already ended is fine. */
export async function signOut(everywhere = false): Promise<void> {
  try {
    await request<unknown>(everywhere ? `${BASE}/sessions` : `${BASE}/session`, {
      method: 'DELETE',
      anonymous: true,
    });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
}

export async function changePassword(input: { currentPassword: string; newPassword: string }): Promise<void> {
  await request<unknown>(`${BASE}/session/password`, { method: 'POST', body: input });
}
