import { Button, Group, Menu, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../../api/client';
import { useAsOf } from '../../../app/as-of';
import { useAccess, useSignOut } from '../hooks/use-session';

/** The signed-in user's name in the header: their account, sign out, sign out everywhere. */
export function UserMenu() {
  const { t } = useTranslation();
  const { session } = useAccess();
  const { withAsOf } = useAsOf();
  const navigate = useNavigate();
  const signOut = useSignOut(() => navigate('/sign-in', { replace: true }));
  if (!session) return null;

  return (
    <Group gap={6} wrap="nowrap">
      {signOut.isError && (
        <Text size="xs" c="red" role="alert" maw={220} lineClamp={2}>
          {errorMessage(signOut.error)}
        </Text>
      )}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" loading={signOut.isPending} data-testid="user-menu">
            <Text span size="sm" dir="auto">
              {session.user.displayName}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label dir="ltr">{session.user.username}</Menu.Label>
          <Menu.Item component={Link} to={withAsOf('/account')} data-testid="menu-account">
            {t('nav.account')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => signOut.mutate(false)} data-testid="sign-out">
            {t('account.signOut')}
          </Menu.Item>
          <Menu.Item color="red" onClick={() => signOut.mutate(true)} data-testid="sign-out-everywhere">
            {t('account.signOutEverywhere')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
