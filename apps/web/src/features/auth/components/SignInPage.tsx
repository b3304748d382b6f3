import { Alert, Anchor, Box, Button, Card, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../../api/client';
import { LanguageSwitch } from '../../../app/LanguageSwitch';
import { useSession, useSetupState } from '../hooks/use-session';
import { safeNext, ssoFailureMessage } from '../safe-next';
import { SetupForm } from './SetupForm';
import { SignInForm } from './SignInForm';

/** /sign-in: the sign-in form, or on a brand-new installation the form that creates the first administrator. */
export function SignInPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const setup = useSetupState();

  // Signed in (just now, or already): on to the page that was asked for.
  if (session.data) return <Navigate to={next} replace />;

  let body;
  if (setup.isPending || session.isPending) {
    body = (
      <Center p="xl">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Center>
    );
  } else if (setup.isError) {
    body = (
      <Alert color="red" role="alert" title={t('common.failed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(setup.error)}</Text>
          <Button size="xs" variant="default" onClick={() => void setup.refetch()}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  } else if (setup.data.needed) {
    body = <SetupForm />;
  } else {
    body = (
      <SignInForm
        singleSignOn={setup.data.singleSignOn}
        next={next}
        asked={params.has('next')}
        failure={ssoFailureMessage(params.get('error'), params.get('reason'), i18n.language)}
      />
    );
  }

  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="space-between" px="md" py="sm">
        <Anchor href="/" underline="never" c="inherit">
          <Title order={1} size="h3">
            {t('app.name')}
          </Title>
        </Anchor>
        <LanguageSwitch />
      </Group>
      <Center px="md" py="xl">
        <Card withBorder shadow="sm" padding="xl" w="100%" maw={460}>
          {body}
        </Card>
      </Center>
    </Box>
  );
}
