import { get, request } from '../../../api/client';
import type { ApiToken, NewTokenInput } from '../../../api/types';

const BASE = '/api/v1/tokens';

export function listOwnTokens(signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
  return get<{ items: ApiToken[] }>(BASE, undefined, signal);
}

/** Makes a token; its secret is in this answer only and cannot be read again. */
export async function createToken(input: NewTokenInput): Promise<{ token: ApiToken; secret: string }> {
  return (await request<{ token: ApiToken; secret: string }>(BASE, { method: 'POST', body: input })).data;
}

export async function revokeOwnToken(tokenId: number): Promise<void> {
  await request<unknown>(`${BASE}/${tokenId}`, { method: 'DELETE' });
}
