import { Alert, AppShell, Anchor, Group, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router';
import { useAccess } from '../features/auth/hooks/use-session';
import { UserMenu } from '../features/auth/components/UserMenu';
import { formatDate } from '../lib/dates';
import { useAsOf } from './as-of';
import { AsOfControl } from './AsOfControl';
import { LanguageSwitch } from './LanguageSwitch';

export function Shell() {
  const { t, i18n } = useTranslation();
  const { asOf, today, isToday, withAsOf } = useAsOf();
  const { can } = useAccess();
  // Only what the user may open: a link that answers "not allowed" is a dead end.
  const links = [
    { to: '/', label: t('nav.tree'), show: can('units.read'), end: true },
    { to: '/members', label: t('nav.members'), show: can('members.read') },
    { to: '/work-list', label: t('nav.workList'), show: can('members.read') },
    { to: '/imports', label: t('nav.imports'), show: can('members.write') },
    { to: '/orders', label: t('nav.orders'), show: can('orders.read') },
    { to: '/users', label: t('nav.users'), show: can('users.manage') },
    { to: '/roles', label: t('nav.roles'), show: can('users.manage') || can('roles.manage') },
    { to: '/audit', label: t('nav.audit'), show: can('audit.read') },
  ].filter((l) => l.show);
  return (
    <AppShell header={{ height: { base: 104, sm: 60 } }} padding="md">
      <AppShell.Header px="md" py={8}>
        <Group justify="space-between" gap="sm" h="100%" wrap="wrap">
          <Group gap="lg" wrap="nowrap">
            <Anchor component={Link} to={withAsOf('/')} underline="never" c="inherit">
              <Title order={1} size="h3">
                {t('app.name')}
              </Title>
            </Anchor>
            <nav aria-label={t('shell.navigation')}>
              <Group gap="md" wrap="wrap" style={{ rowGap: 0 }}>
                {links.map((l) => (
                  <NavLink key={l.to} to={withAsOf(l.to)} end={l.end} className="rb-nav-link">
                    {l.label}
                  </NavLink>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="md" wrap="nowrap">
            <AsOfControl />
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {!isToday && (
          <Alert color={asOf < today ? 'grape' : 'teal'} variant="light" mb="md" data-testid="as-of-banner">
            <Text size="sm">
              {asOf < today
                ? t('shell.viewingPast', { date: formatDate(asOf, i18n.language) })
                : t('shell.viewingFuture', { date: formatDate(asOf, i18n.language) })}
            </Text>
          </Alert>
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
