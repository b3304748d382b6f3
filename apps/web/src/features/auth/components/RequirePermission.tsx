import type { Permission } from '@rollbook/domain';
import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../hooks/use-session';

/** A page for holders of a permission; anyone else is told so instead of meeting a failed request. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useTranslation();
  const { can } = useAccess();
  if (!can(permission)) {
    return (
      <Alert color="yellow" title={t('access.notAllowedTitle')} data-testid="not-allowed">
        {t('access.notAllowed', { permission: t(`permission.${permission}`) })}
      </Alert>
    );
  }
  return children;
}
