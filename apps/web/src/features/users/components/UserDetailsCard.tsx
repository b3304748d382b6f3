import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../../api/client';
import type { User } from '../../../api/types';
import { formatDateTime } from '../../../lib/dates';
import { userKeys, useUpdateUser } from '../hooks/use-users';

/**
 * Name, email and whether the account may sign in. Every change sends the version it was based on
 * (If-Match), so two administrators never overwrite each other without knowing.
 */
export function UserDetailsCard({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const update = useUpdateUser(user);
  const error = update.error;
  const conflict = error instanceof ApiError && error.code === 'version_conflict';
  const field = error instanceof ApiError ? error.field : undefined;
  const at = (name: string) => (error && !conflict && field === name ? errorMessage(error) : undefined);
  const dirty = displayName !== user.displayName || email !== (user.email ?? '');

  const save = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ displayName: displayName.trim(), email: email.trim() || null });
  };

  return (
    <Card withBorder data-testid="user-details">
      <form onSubmit={save} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('users.details')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('user.displayName')}
              value={displayName}
              onChange={(e) => setDisplayName(e.currentTarget.value)}
              required
              dir="auto"
              error={at('displayName')}
              data-testid="edit-display-name"
            />
            <TextInput
              type="email"
              label={t('user.email')}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              dir="ltr"
              error={at('email')}
              data-testid="edit-email"
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {t('users.createdAt', { when: formatDateTime(user.createdAt, i18n.language) })}
            {user.singleSignOn ? ` · ${t('users.singleSignOn')}` : ''}
            {!user.hasPassword ? ` · ${t('users.noPassword')}` : ''}
          </Text>
          {error && (conflict || !['displayName', 'email'].includes(field ?? '')) && (
            <Alert
              color={conflict ? 'orange' : 'red'}
              role="alert"
              title={conflict ? t('users.conflictTitle') : undefined}
              data-testid="user-error"
            >
              <Stack gap="xs" align="flex-start">
                <Text size="sm">{conflict ? t('users.conflictBody') : errorMessage(error)}</Text>
                {conflict && (
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => void client.invalidateQueries({ queryKey: userKeys.detail(user.id) })}
                    data-testid="reload-user"
                  >
                    {t('users.reload')}
                  </Button>
                )}
              </Stack>
            </Alert>
          )}
          <Group>
            <Button
              type="submit"
              disabled={!dirty || !displayName.trim()}
              loading={update.isPending && update.variables?.active === undefined}
              data-testid="save-user"
            >
              {t('common.save')}
            </Button>
            {user.active ? (
              <Button
                variant="light"
                color="red"
                loading={update.isPending && update.variables?.active === false}
                onClick={() => update.mutate({ active: false })}
                data-testid="deactivate-user"
              >
                {t('users.deactivate')}
              </Button>
            ) : (
              <Button
                variant="light"
                color="teal"
                loading={update.isPending && update.variables?.active === true}
                onClick={() => update.mutate({ active: true })}
                data-testid="reactivate-user"
              >
                {t('users.reactivate')}
              </Button>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {t('users.deactivateHelp')}
          </Text>
        </Stack>
      </form>
    </Card>
  );
}
