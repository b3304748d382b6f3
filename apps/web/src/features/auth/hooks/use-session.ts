import type { Permission } from '@rollbook/domain';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { setCsrfToken } from '../../../api/client';
import type { Session } from '../../../api/types';
import { changePassword, getSession, getSetupState, setUp, signIn, signOut } from '../api/auth-api';

export const sessionKeys = {
  session: ['session'] as const,
  setup: ['setup'] as const,
};

/** Queries that hold nobody's data (who is signed in, whether setup is needed, the server's date). */
const PUBLIC_QUERIES = new Set(['session', 'setup', 'health']);

/** Forgets everything the previous user could read, so the next one never sees it, even for a moment. */
export function removePrivateQueries(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => !PUBLIC_QUERIES.has(String(query.queryKey[0])) });
  // Mutations keep their variables and answers (passwords, a token's secret): forget them too.
  client.getMutationCache().clear();
}

/** Who is signed in (null: nobody). The CSRF token every write needs is taken from here. */
export function useSession() {
  const client = useQueryClient();
  return useQuery({
    queryKey: sessionKeys.session,
    queryFn: async ({ signal }) => {
      const session = await getSession(signal);
      const before = client.getQueryData<Session | null>(sessionKeys.session);
      // Another person signed in in another tab: nothing the previous one read may stay on screen.
      if (before && before.user.id !== session?.user.id) removePrivateQueries(client);
      setCsrfToken(session?.csrfToken ?? null, session?.user.id ?? null);
      return session;
    },
    staleTime: 60_000,
    // Grants change while a page stays open (a revoked role, a sign-out elsewhere): check on return.
    refetchOnWindowFocus: true,
  });
}

export function useSetupState() {
  return useQuery({ queryKey: sessionKeys.setup, queryFn: ({ signal }) => getSetupState(signal) });
}

export interface Access {
  session: Session | null;
  /** The grants in force allow this somewhere (the server still checks where). */
  can: (permission: Permission) => boolean;
  /** A grant in force over the whole organization allows this. */
  canEverywhere: (permission: Permission) => boolean;
}

/** What the signed-in user may do, to show only the actions that will work. */
export function useAccess(): Access {
  const session = useSession().data ?? null;
  return useMemo(() => {
    const permissions = new Set(session?.permissions ?? []);
    return {
      session,
      can: (permission) => permissions.has(permission),
      canEverywhere: (permission) =>
        !!session?.grants.some((g) => g.active && g.unitId === null && g.permissions.includes(permission)),
    };
  }, [session]);
}

function startSession(client: QueryClient, session: Session) {
  removePrivateQueries(client);
  setCsrfToken(session.csrfToken, session.user.id);
  client.setQueryData(sessionKeys.session, session);
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    // The password is a variable of the mutation: keep it no longer than the call.
    gcTime: 0,
    onSuccess: (session) => startSession(client, session),
  });
}

export function useSetUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: setUp,
    gcTime: 0,
    onSuccess: (session) => {
      client.setQueryData(sessionKeys.setup, { needed: false, singleSignOn: null });
      void client.invalidateQueries({ queryKey: sessionKeys.setup });
      startSession(client, session);
    },
  });
}

/** Signs out (this browser, or everywhere); `onSignedOut` runs first so the page can leave the app. */
export function useSignOut(onSignedOut: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (everywhere: boolean) => signOut(everywhere),
    onSuccess: () => {
      onSignedOut();
      setCsrfToken(null);
      client.setQueryData(sessionKeys.session, null);
      removePrivateQueries(client);
    },
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword, gcTime: 0 });
}
