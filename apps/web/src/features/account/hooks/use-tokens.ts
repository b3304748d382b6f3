import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { NewTokenInput } from '../../../api/types';
import { createToken, listOwnTokens, revokeOwnToken } from '../api/tokens-api';

export const tokenKeys = { own: ['tokens', 'own'] as const };

export function useOwnTokens() {
  return useQuery({ queryKey: tokenKeys.own, queryFn: ({ signal }) => listOwnTokens(signal) });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewTokenInput) => createToken(input),
    // The answer holds the token's secret: shown once, then forgotten.
    gcTime: 0,
    onSuccess: () => client.invalidateQueries({ queryKey: tokenKeys.own }),
  });
}

export function useRevokeOwnToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: number) => revokeOwnToken(tokenId),
    onSuccess: () => client.invalidateQueries({ queryKey: tokenKeys.own }),
  });
}
