import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { errorMessage } from '../../../api/client';
import { useSession } from '../hooks/use-session';
import { signInPath } from '../safe-next';

/** Renders the app only for a signed-in user; anyone else goes to sign in, and comes back here after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Center>
    );
  }
  // A failed refetch keeps the last answer: only a session never read is an error page.
  if (session.isError && !session.data) {
    return (
      <Alert color="red" role="alert" title={t('common.failed')} m="md">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(session.error)}</Text>
          <Button size="xs" variant="default" onClick={() => void session.refetch()}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (!session.data) return <Navigate to={signInPath(location.pathname, location.search)} replace />;
  return children;
}
