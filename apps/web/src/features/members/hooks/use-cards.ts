import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CardActionInput, IsoDate, NewCardCampaign } from '../../../api/types';
import {
  cardAction,
  createCampaign,
  findDuplicates,
  getCampaignProgress,
  listCampaigns,
  listCards,
  mergeMembers,
} from '../api/cards-api';
import { getMember } from '../api/members-api';
import { memberKeys } from './use-members';

/**
 * Cards and duplicates live under 'members' (a member write refreshes them); campaigns apart, but an
 * exchange refreshes them too, since it moves their progress.
 */
export const cardKeys = {
  cards: (memberId: number) => [...memberKeys.all, 'cards', memberId] as const,
  duplicates: (unitId: number) => [...memberKeys.all, 'duplicates', unitId] as const,
  campaigns: ['card-campaigns'] as const,
  progress: (id: number, unit: number | undefined, asOf: IsoDate) =>
    ['card-campaigns', 'progress', id, unit ?? null, asOf] as const,
};

export function useMemberCards(memberId: number) {
  return useQuery({
    queryKey: cardKeys.cards(memberId),
    queryFn: ({ signal }) => listCards(memberId, signal),
  });
}

function useRefreshAfterCards() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: memberKeys.all }),
      client.invalidateQueries({ queryKey: cardKeys.campaigns }),
    ]);
}

/** A card write carries the member's version (If-Match); the member's version changes with it. */
export function useCardAction(memberId: number) {
  const refresh = useRefreshAfterCards();
  return useMutation({
    mutationFn: ({ version, input }: { version: number; input: CardActionInput }) =>
      cardAction(memberId, version, input),
    onSuccess: refresh,
  });
}

export function useCampaigns() {
  return useQuery({ queryKey: cardKeys.campaigns, queryFn: ({ signal }) => listCampaigns(signal) });
}

export function useCreateCampaign() {
  const refresh = useRefreshAfterCards();
  return useMutation({ mutationFn: (input: NewCardCampaign) => createCampaign(input), onSuccess: refresh });
}

export function useCampaignProgress(id: number, unit: number | undefined, asOf: IsoDate) {
  return useQuery({
    queryKey: cardKeys.progress(id, unit, asOf),
    queryFn: ({ signal }) => getCampaignProgress(id, { asOf, ...(unit !== undefined && { unit }) }, signal),
    enabled: Number.isInteger(id) && id > 0,
    placeholderData: keepPreviousData,
  });
}

export function useDuplicates(unitId: number | undefined) {
  return useQuery({
    queryKey: cardKeys.duplicates(unitId ?? 0),
    queryFn: ({ signal }) => findDuplicates(unitId as number, signal),
    enabled: unitId !== undefined,
  });
}

/**
 * Merges a duplicate into the member who remains. Both versions are read just before the write, so
 * the merge is refused (412) only if one of them changes between that read and the write.
 */
export function useMergeMembers() {
  const refresh = useRefreshAfterCards();
  return useMutation({
    mutationFn: async ({
      remainingId,
      duplicateId,
      reason,
      today,
    }: {
      remainingId: number;
      duplicateId: number;
      reason: string;
      today: IsoDate;
    }) => {
      const [remaining, duplicate] = await Promise.all([
        getMember(remainingId, today),
        getMember(duplicateId, today),
      ]);
      return mergeMembers(remainingId, remaining.version, {
        duplicateId,
        duplicateVersion: duplicate.version,
        reason,
      });
    },
    onSuccess: refresh,
  });
}
