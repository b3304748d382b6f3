import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppLink } from './AppLink';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t('notFound.title')}</Title>
      <Text>{t('notFound.body')}</Text>
      <AppLink to="/">{t('notFound.home')}</AppLink>
    </Stack>
  );
}
