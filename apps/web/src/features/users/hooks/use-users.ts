import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { NewGrantInput, NewUserInput, Session, User, UserPatch } from '../../../api/types';
import { sessionKeys } from '../../auth/hooks/use-session';
import {
  createUser,
  getUser,
  grantRole,
  listUsers,
  listUserTokens,
  resetPassword,
  unlinkSingleSignOn,
  revokeGrant,
  revokeUserToken,
  signOutUser,
  updateUser,
} from '../api/users-api';

export const userKeys = {
  all: ['users'] as const,
  list: (q: string) => ['users', 'list', q] as const,
  detail: (id: number) => ['users', 'detail', id] as const,
  tokens: (id: number) => ['users', 'tokens', id] as const,
};

const PAGE = 50;

/** Users the signed-in manager may manage, matching a search, page by page. */
export function useUserList(q: string) {
  const text = q.trim();
  return useInfiniteQuery({
    queryKey: userKeys.list(text),
    queryFn: ({ pageParam, signal }) => listUsers({ q: text, cursor: pageParam, limit: PAGE }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** A short list for pickers (the audit viewer's actor filter). */
export function useUserSearch(q: string, enabled = true) {
  const text = q.trim();
  return useQuery({
    queryKey: ['users', 'search', text],
    queryFn: ({ signal }) => listUsers({ q: text, limit: 20 }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: number) {
  return useQuery({
    queryKey: userKeys.detail(id),
    queryFn: ({ signal }) => getUser(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useUserTokens(id: number) {
  return useQuery({ queryKey: userKeys.tokens(id), queryFn: ({ signal }) => listUserTokens(id, signal) });
}

/**
 * After a change the server answers with the user as it now stands: show it, and refresh the lists.
 * A change to one's own grants changes what the app may show, so the session is read again too.
 */
function useAfterChange() {
  const client = useQueryClient();
  return (user: User) => {
    client.setQueryData(userKeys.detail(user.id), user);
    void client.invalidateQueries({ queryKey: ['users', 'list'] });
    if (client.getQueryData<Session | null>(sessionKeys.session)?.user.id === user.id)
      void client.invalidateQueries({ queryKey: sessionKeys.session });
  };
}

export function useCreateUser() {
  const after = useAfterChange();
  return useMutation({ mutationFn: (input: NewUserInput) => createUser(input), onSuccess: after });
}

export function useUpdateUser(user: User) {
  const after = useAfterChange();
  return useMutation({ mutationFn: (patch: UserPatch) => updateUser(user, patch), onSuccess: after });
}

export function useGrantRole(userId: number) {
  const after = useAfterChange();
  return useMutation({ mutationFn: (grant: NewGrantInput) => grantRole(userId, grant), onSuccess: after });
}

export function useRevokeGrant(userId: number) {
  const after = useAfterChange();
  return useMutation({ mutationFn: (grantId: number) => revokeGrant(userId, grantId), onSuccess: after });
}

export function useResetPassword(userId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => resetPassword(userId, password),
    gcTime: 0,
    // The reset changes the user's version: read it again so the next edit sends the right one.
    onSuccess: () => client.invalidateQueries({ queryKey: userKeys.detail(userId) }),
  });
}

export function useUnlinkSingleSignOn(userId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unlinkSingleSignOn(userId),
    onSuccess: (user) => client.setQueryData(userKeys.detail(userId), user),
  });
}

export function useSignOutUser(userId: number) {
  return useMutation({ mutationFn: () => signOutUser(userId) });
}

export function useRevokeUserToken(userId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: number) => revokeUserToken(userId, tokenId),
    onSuccess: () => client.invalidateQueries({ queryKey: userKeys.tokens(userId) }),
  });
}
