import { Alert, Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

/** Shown instead of a blank page when a view fails to render. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Alert color="red" title={t('common.failed')} m="md" role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{error instanceof Error ? error.message : String(error)}</Text>
        <Button size="xs" variant="default" onClick={() => window.location.reload()}>
          {t('common.reloadPage')}
        </Button>
      </Stack>
    </Alert>
  );
}
