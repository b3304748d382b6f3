import { get, request } from '../../../api/client';
import type { Role, RoleInput } from '../../../api/types';

const BASE = '/api/v1/roles';

/** The ETag a write must send back: the version the user last saw. */
function etagOf(role: Role): string {
  return `"${role.version}"`;
}

export function listRoles(signal?: AbortSignal): Promise<{ items: Role[] }> {
  return get<{ items: Role[] }>(BASE, undefined, signal);
}

export async function createRole(input: RoleInput): Promise<Role> {
  return (await request<Role>(BASE, { method: 'POST', body: input })).data;
}

export async function updateRole(role: Role, patch: Omit<RoleInput, 'code'>): Promise<Role> {
  return (await request<Role>(`${BASE}/${role.id}`, { method: 'PATCH', body: patch, ifMatch: etagOf(role) }))
    .data;
}

export async function deleteRole(role: Role): Promise<void> {
  await request<unknown>(`${BASE}/${role.id}`, { method: 'DELETE', ifMatch: etagOf(role) });
}
