import { get, request } from '../../../api/client';
import type {
  CampaignProgress,
  CardActionInput,
  CardCampaign,
  DuplicatePair,
  IsoDate,
  MemberCard,
  MemberDetail,
  NewCardCampaign,
} from '../../../api/types';
import { etagOf } from './members-api';

export function listCards(memberId: number, signal?: AbortSignal): Promise<{ items: MemberCard[] }> {
  return get<{ items: MemberCard[] }>(`/api/v1/members/${memberId}/cards`, undefined, signal);
}

/** Issue, re-issue, exchange, report lost or recover: a write on the member, so it carries its version. */
export async function cardAction(
  memberId: number,
  version: number,
  input: CardActionInput,
): Promise<{ cardId: number | null; items: MemberCard[] }> {
  return (
    await request<{ cardId: number | null; items: MemberCard[] }>(`/api/v1/members/${memberId}/cards`, {
      method: 'POST',
      body: input,
      ifMatch: etagOf(version),
    })
  ).data;
}

export function listCampaigns(signal?: AbortSignal): Promise<{ items: CardCampaign[] }> {
  return get<{ items: CardCampaign[] }>('/api/v1/card-campaigns', undefined, signal);
}

export async function createCampaign(input: NewCardCampaign): Promise<CardCampaign> {
  return (await request<CardCampaign>('/api/v1/card-campaigns', { method: 'POST', body: input })).data;
}

export function getCampaignProgress(
  id: number,
  query: { unit?: number; asOf: IsoDate },
  signal?: AbortSignal,
): Promise<CampaignProgress> {
  return get<CampaignProgress>(`/api/v1/card-campaigns/${id}/progress`, { ...query }, signal);
}

export function findDuplicates(unitId: number, signal?: AbortSignal): Promise<{ items: DuplicatePair[] }> {
  return get<{ items: DuplicatePair[] }>('/api/v1/members/duplicates', { unit: unitId }, signal);
}

/** Merges the duplicate into the member who remains; both versions guard against a stale choice. */
export async function mergeMembers(
  remainingId: number,
  remainingVersion: number,
  body: { duplicateId: number; duplicateVersion: number; reason: string },
): Promise<MemberDetail> {
  return (
    await request<MemberDetail>(`/api/v1/members/${remainingId}/merge`, {
      method: 'POST',
      body,
      ifMatch: etagOf(remainingVersion),
    })
  ).data;
}
