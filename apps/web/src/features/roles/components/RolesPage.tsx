import { Alert, Badge, Button, Card, Code, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import type { Role } from '../../../api/types';
import { useAccess } from '../../auth/hooks/use-session';
import { useDeleteRole, useRoleNames, useRoles } from '../hooks/use-roles';
import { PermissionList } from './PermissionList';
import { RoleFormModal } from './RoleFormModal';

/** /roles: every role and what it allows; organization roles are defined here by holders of roles.manage. */
export function RolesPage() {
  const { t } = useTranslation();
  const { canEverywhere } = useAccess();
  const roles = useRoles();
  // Role definitions have no unit: only an organization-wide grant of roles.manage may change them.
  const manage = canEverywhere('roles.manage');
  // undefined: closed; null: a new role; a role: editing it.
  const [editing, setEditing] = useState<Role | null | undefined>(undefined);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('role.title')}</Title>
        {manage && (
          <Button onClick={() => setEditing(null)} data-testid="new-role">
            {t('role.new')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('role.intro')}
      </Text>
      {roles.isPending && <Loader size="sm" aria-label={t('common.loading')} />}
      {roles.isError && (
        <Alert color="red" role="alert">
          {errorMessage(roles.error)}
        </Alert>
      )}
      {roles.data?.items.map((role) => (
        <RoleCard key={role.id} role={role} manage={manage} onEdit={() => setEditing(role)} />
      ))}
      <RoleFormModal
        role={editing ?? null}
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
      />
    </Stack>
  );
}

function RoleCard({ role, manage, onEdit }: { role: Role; manage: boolean; onEdit: () => void }) {
  const { t } = useTranslation();
  const { roleName, roleDescription } = useRoleNames();
  const remove = useDeleteRole();
  const [confirming, setConfirming] = useState(false);
  const description = roleDescription(role);
  const conflict = remove.error instanceof ApiError && remove.error.code === 'version_conflict';
  return (
    <Card withBorder data-testid={`role-${role.code}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Group gap="sm">
            <Title order={3} size="h4" dir="auto">
              {roleName(role.code, role.name)}
            </Title>
            <Code>{role.code}</Code>
            {role.builtin && (
              <Badge variant="outline" color="gray" size="sm" style={{ textTransform: 'none' }}>
                {t('role.builtinBadge')}
              </Badge>
            )}
          </Group>
          {manage && !role.builtin && (
            <Group gap="xs">
              <Button size="xs" variant="default" onClick={onEdit} data-testid={`edit-role-${role.code}`}>
                {t('common.edit')}
              </Button>
              {!confirming ? (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => setConfirming(true)}
                  data-testid={`delete-role-${role.code}`}
                >
                  {t('common.delete')}
                </Button>
              ) : (
                <>
                  <Text size="sm">{t('role.deleteConfirm')}</Text>
                  <Button
                    size="xs"
                    color="red"
                    loading={remove.isPending}
                    onClick={() => remove.mutate(role)}
                    data-testid={`confirm-delete-role-${role.code}`}
                  >
                    {t('common.delete')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                    {t('common.cancel')}
                  </Button>
                </>
              )}
            </Group>
          )}
        </Group>
        {description && (
          <Text size="sm" dir="auto">
            {description}
          </Text>
        )}
        <PermissionList permissions={role.permissions} testId={`role-permissions-${role.code}`} />
        {remove.isError && (
          <Alert color={conflict ? 'orange' : 'red'} role="alert">
            {conflict ? t('role.conflict') : errorMessage(remove.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
