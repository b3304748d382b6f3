import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, RoleInput } from '../../../api/types';
import { sessionKeys } from '../../auth/hooks/use-session';
import { createRole, deleteRole, listRoles, updateRole } from '../api/roles-api';

export const roleKeys = { all: ['roles'] as const };

export function useRoles() {
  return useQuery({ queryKey: roleKeys.all, queryFn: ({ signal }) => listRoles(signal) });
}

export interface RoleNames {
  /** The role's name in the UI language: built-in roles from the catalog, others as the organization named them. */
  roleName: (code: string, given?: string) => string;
  roleDescription: (role: Role) => string;
  /** A permission in words, in the UI language. */
  permissionName: (permission: string) => string;
}

export function useRoleNames(): RoleNames {
  const { t } = useTranslation();
  const roles = useRoles();
  const byCode = useMemo(() => new Map((roles.data?.items ?? []).map((r) => [r.code, r])), [roles.data]);
  const roleName = useCallback(
    (code: string, given?: string) => {
      const name = given || byCode.get(code)?.name;
      return name || t(`role.builtin.${code}.name`, { defaultValue: code });
    },
    [byCode, t],
  );
  const roleDescription = useCallback(
    (role: Role) =>
      role.builtin ? t(`role.builtin.${role.code}.description`, { defaultValue: '' }) : role.description,
    [t],
  );
  const permissionName = useCallback(
    (permission: string) => t(`permission.${permission}`, { defaultValue: permission }),
    [t],
  );
  return { roleName, roleDescription, permissionName };
}

export function useSaveRole(role: Role | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: RoleInput) =>
      role
        ? updateRole(role, {
            name: input.name,
            description: input.description,
            permissions: input.permissions,
          })
        : createRole(input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: roleKeys.all });
      // The signed-in user may hold the role: what they may do changes with it.
      if (role) void client.invalidateQueries({ queryKey: sessionKeys.session });
    },
    // Someone else changed the role meanwhile: read it again, so the next try sends its version.
    onError: (error) => refetchIfStale(client, error),
  });
}

function refetchIfStale(client: ReturnType<typeof useQueryClient>, error: unknown) {
  if (error instanceof ApiError && error.code === 'version_conflict') {
    void client.invalidateQueries({ queryKey: roleKeys.all });
  }
}

export function useDeleteRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => deleteRole(role),
    onSuccess: () => client.invalidateQueries({ queryKey: roleKeys.all }),
    onError: (error) => refetchIfStale(client, error),
  });
}
