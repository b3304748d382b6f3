import { Alert, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client';
import { AppLink } from '../../../app/AppLink';
import { useUser } from '../hooks/use-users';
import { UserAccessCard } from './UserAccessCard';
import { UserDetailsCard } from './UserDetailsCard';
import { UserGrantsCard } from './UserGrantsCard';
import { StatusBadge } from '../../../app/StatusBadge';

/** /users/:id: one user's details, grants, password, sessions and tokens. */
export function UserPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const user = useUser(id);

  if (!Number.isInteger(id) || id <= 0) return <Alert color="red">{t('users.badId')}</Alert>;
  if (user.isPending) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('common.loading')}</Text>
      </Group>
    );
  }
  if (user.isError) {
    const notFound = user.error instanceof ApiError && user.error.status === 404;
    return (
      <Alert color="red" role="alert" title={notFound ? t('users.notFound') : t('common.failed')}>
        {errorMessage(user.error)}
      </Alert>
    );
  }
  const u = user.data;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="center">
        <Group gap="sm">
          <Title order={2} dir="auto" data-testid="user-title">
            {u.displayName}
          </Title>
          <Text c="dimmed" dir="ltr">
            {u.username}
          </Text>
          {u.active ? (
            <StatusBadge color="teal" data-testid="user-state">
              {t('users.active')}
            </StatusBadge>
          ) : (
            <StatusBadge color="gray" data-testid="user-state">
              {t('users.inactive')}
            </StatusBadge>
          )}
        </Group>
        <AppLink to="/users">{t('users.backToList')}</AppLink>
      </Group>
      {/* Rebuilt on every new version, so the form always starts from what the server holds. */}
      <UserDetailsCard key={u.version} user={u} />
      <UserGrantsCard user={u} />
      <UserAccessCard user={u} />
    </Stack>
  );
}
