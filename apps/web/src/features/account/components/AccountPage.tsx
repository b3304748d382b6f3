import { Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../../auth/hooks/use-session';
import { PermissionList } from '../../roles/components/PermissionList';
import { ChangePasswordForm } from './ChangePasswordForm';
import { GrantsTable } from './GrantsTable';
import { OwnTokensPanel } from './OwnTokensPanel';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card withBorder data-testid={testId}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

/** /account: who I am, my scopes (grants in force and ended), what they allow, my password and API tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const { session } = useAccess();
  if (!session) return null;
  const { user } = session;
  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Title order={2} dir="auto" data-testid="account-name">
          {user.displayName}
        </Title>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('user.username')}:
          </Text>
          <Text size="sm" dir="ltr" data-testid="account-username">
            {user.username}
          </Text>
          {user.email && (
            <Text size="sm" c="dimmed" dir="ltr">
              · {user.email}
            </Text>
          )}
        </Group>
      </Stack>
      <Section title={t('account.scopes')} testId="my-scopes">
        <Text size="sm" c="dimmed">
          {t('account.scopesHelp')}
        </Text>
        <GrantsTable grants={session.grants} testId="my-grants" />
      </Section>
      <Section title={t('account.allowed')} testId="my-permissions">
        <PermissionList permissions={session.permissions} />
      </Section>
      {user.hasPassword && (
        <Section title={t('account.changePassword')}>
          <ChangePasswordForm />
        </Section>
      )}
      <Section title={t('token.title')} testId="my-tokens">
        <OwnTokensPanel permissions={session.permissions} />
      </Section>
    </Stack>
  );
}
