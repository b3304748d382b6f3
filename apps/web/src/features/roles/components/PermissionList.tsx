import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRoleNames } from '../hooks/use-roles';

/** Permissions in words, as small badges (their codes in the tooltip, for administrators who need them). */
export function PermissionList({ permissions, testId }: { permissions: string[]; testId?: string }) {
  const { t } = useTranslation();
  const { permissionName } = useRoleNames();
  if (permissions.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        {t('role.noPermissions')}
      </Text>
    );
  }
  return (
    <Group gap={4} data-testid={testId}>
      {permissions.map((p) => (
        <Badge key={p} variant="light" color="gray" size="sm" style={{ textTransform: 'none' }} title={p}>
          {permissionName(p)}
        </Badge>
      ))}
    </Group>
  );
}
