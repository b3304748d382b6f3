import { Alert, Button, Card, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { User } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useRoleNames } from '../../roles/hooks/use-roles';
import { useUserList } from '../hooks/use-users';
import { CreateUserModal } from './CreateUserModal';
import { StatusBadge } from '../../../app/StatusBadge';

/** /users: the users the signed-in manager may manage, searchable, and "new user". */
export function UsersPage() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text, 250);
  const users = useUserList(q);
  const [creating, setCreating] = useState(false);
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('users.title')}</Title>
        <Button onClick={() => setCreating(true)} data-testid="new-user">
          {t('users.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('users.intro')}
      </Text>
      <TextInput
        type="search"
        label={t('users.search')}
        placeholder={t('users.searchPlaceholder')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rightSection={users.isFetching ? <Loader size="xs" /> : null}
        data-testid="user-search"
      />
      <Card withBorder padding={0}>
        {users.isPending && (
          <Group p="md">
            <Loader size="sm" />
            <Text>{t('common.loading')}</Text>
          </Group>
        )}
        {users.isError && (
          <Alert color="red" m="md" role="alert">
            {errorMessage(users.error)}
          </Alert>
        )}
        {users.data && items.length === 0 && (
          <Text p="md" c="dimmed" data-testid="users-empty">
            {q.trim() ? t('users.noneMatch', { text: q.trim() }) : t('users.none')}
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('user.displayName')}</Table.Th>
                  <Table.Th>{t('user.username')}</Table.Th>
                  <Table.Th>{t('users.grants')}</Table.Th>
                  <Table.Th>{t('users.state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((u) => (
                  <UserRow key={u.id} user={u} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {users.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void users.fetchNextPage()}
          loading={users.isFetchingNextPage}
          style={{ alignSelf: 'flex-start' }}
        >
          {t('common.more')}
        </Button>
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function UserRow({ user }: { user: User }) {
  const { t } = useTranslation();
  const { roleName } = useRoleNames();
  const inForce = user.grants.filter((g) => g.active);
  return (
    <Table.Tr data-testid={`user-row-${user.username}`}>
      <Table.Td>
        <AppLink to={`/users/${user.id}`}>
          <bdi>{user.displayName}</bdi>
        </AppLink>
      </Table.Td>
      <Table.Td dir="ltr" style={{ textAlign: 'start' }}>
        {user.username}
      </Table.Td>
      <Table.Td>
        {inForce.length === 0 ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <Stack gap={0}>
            {inForce.map((g) => (
              <Text size="sm" key={g.id}>
                {t('users.grantSummary', {
                  role: roleName(g.role, g.roleName),
                  scope: g.unit ? g.unit.name : t('grant.wholeOrganization'),
                })}
              </Text>
            ))}
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        {user.active ? (
          <StatusBadge color="teal">{t('users.active')}</StatusBadge>
        ) : (
          <StatusBadge color="gray">{t('users.inactive')}</StatusBadge>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
