import { get, request } from '../../../api/client';
import type { ApiToken, NewGrantInput, NewUserInput, Page, User, UserPatch } from '../../../api/types';

const BASE = '/api/v1/users';

/** The ETag a write must send back: the version the user last saw. */
export function etagOf(user: User): string {
  return `"${user.version}"`;
}

export function listUsers(
  query: { q?: string; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<Page<User>> {
  return get<Page<User>>(BASE, query, signal);
}

export function getUser(id: number, signal?: AbortSignal): Promise<User> {
  return get<User>(`${BASE}/${id}`, undefined, signal);
}

export async function createUser(input: NewUserInput): Promise<User> {
  return (await request<User>(BASE, { method: 'POST', body: input })).data;
}

export async function updateUser(user: User, patch: UserPatch): Promise<User> {
  return (await request<User>(`${BASE}/${user.id}`, { method: 'PATCH', body: patch, ifMatch: etagOf(user) }))
    .data;
}

export async function resetPassword(id: number, password: string): Promise<void> {
  await request<unknown>(`${BASE}/${id}/password`, { method: 'POST', body: { password } });
}

/** Ends every session of the user, on every device. */
export async function signOutUser(id: number): Promise<void> {
  await request<unknown>(`${BASE}/${id}/sessions`, { method: 'DELETE' });
}

/** Forgets the single sign-on identity linked to the user. */
export async function unlinkSingleSignOn(id: number): Promise<User> {
  return (await request<User>(`${BASE}/${id}/sso`, { method: 'DELETE' })).data;
}

export async function grantRole(id: number, grant: NewGrantInput): Promise<User> {
  return (await request<User>(`${BASE}/${id}/grants`, { method: 'POST', body: grant })).data;
}

export async function revokeGrant(id: number, grantId: number): Promise<User> {
  return (await request<User>(`${BASE}/${id}/grants/${grantId}`, { method: 'DELETE' })).data;
}

export function listUserTokens(id: number, signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
  return get<{ items: ApiToken[] }>(`${BASE}/${id}/tokens`, undefined, signal);
}

export async function revokeUserToken(id: number, tokenId: number): Promise<void> {
  await request<unknown>(`${BASE}/${id}/tokens/${tokenId}`, { method: 'DELETE' });
}
