import { Alert, Anchor, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import { useAccess } from '../../auth/hooks/use-session';
import { exportUrl } from '../api/audit-api';
import { useAuditEvents, useAuditFilter } from '../hooks/use-audit';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { VerifyChain } from './VerifyChain';

/** /audit: the trail of every change inside the reader's scope, filtered, exported, and verified. */
export function AuditPage() {
  const { t } = useTranslation();
  const { canEverywhere } = useAccess();
  const [filter, update, clear] = useAuditFilter();
  const events = useAuditEvents(filter);
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('audit.title')}</Title>
        <Anchor href={exportUrl(filter)} download data-testid="audit-export">
          {t('audit.export')}
        </Anchor>
      </Group>
      <Text size="sm" c="dimmed">
        {t('audit.intro')}
      </Text>
      <AuditFilters filter={filter} onChange={update} onClear={clear} />
      {canEverywhere('audit.read') && <VerifyChain />}
      <Card withBorder padding={0}>
        {events.isPending && (
          <Group p="md">
            <Loader size="sm" />
            <Text>{t('common.loading')}</Text>
          </Group>
        )}
        {events.isError && (
          <Alert color="red" m="md" role="alert">
            {errorMessage(events.error)}
          </Alert>
        )}
        {events.data && items.length === 0 && (
          <Text p="md" c="dimmed" data-testid="audit-empty">
            {t('audit.none')}
          </Text>
        )}
        {items.length > 0 && <AuditTable events={items} />}
      </Card>
      {events.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void events.fetchNextPage()}
          loading={events.isFetchingNextPage}
          style={{ alignSelf: 'flex-start' }}
          data-testid="audit-more"
        >
          {t('common.more')}
        </Button>
      )}
    </Stack>
  );
}
