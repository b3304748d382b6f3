import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import type { UnitRef } from '../../../api/types';
import { useAsOf } from '../../../app/as-of';
import { formatDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { WelcomePanel } from '../../first-run/components/WelcomePanel';
import { useChildren } from '../hooks/use-units';
import { AddUnitModal } from './AddUnitModal';
import { UnitSearch } from './UnitSearch';
import { UnitTree } from './UnitTree';
import { UnitsExportMenu } from './UnitsExportMenu';

/** The unit tree as of the chosen date, with search and "add a unit". */
export function HomePage() {
  const { t, i18n } = useTranslation();
  const { asOf, isToday } = useAsOf();
  const roots = useChildren('root', asOf);
  const { can, canEverywhere } = useAccess();
  // Adding a unit drafts and applies a one-operation order at once, so it takes both permissions;
  // a top unit has no parent inside anyone's subtree, so only organization-wide grants allow it.
  const mayAddTop = canEverywhere('orders.write') && canEverywhere('orders.apply');
  const mayAdd = can('orders.write') && can('orders.apply');
  // undefined: closed; null: adding a top unit; a unit: adding under it.
  const [adding, setAdding] = useState<UnitRef | null | undefined>(undefined);

  const modal = (
    <AddUnitModal
      parent={adding ?? null}
      opened={adding !== undefined}
      onClose={() => setAdding(undefined)}
    />
  );

  if (roots.isPending) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('common.loading')}</Text>
      </Group>
    );
  }
  if (roots.isError) {
    return (
      <Alert color="red" role="alert" title={t('common.failed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(roots.error)}</Text>
          <Button size="xs" variant="default" onClick={() => void roots.refetch()}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  const units = roots.data.items;
  if (units.length === 0 && isToday && (mayAddTop || can('system.manage'))) {
    return (
      <>
        <WelcomePanel onCreateTop={() => setAdding(null)} />
        {modal}
      </>
    );
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('tree.title', { date: formatDate(asOf, i18n.language) })}</Title>
        <Group gap="xs">
          {units.length > 0 && <UnitsExportMenu />}
          {mayAddTop && (
            <Button variant="default" size="xs" onClick={() => setAdding(null)} data-testid="add-top">
              {t('tree.addTop')}
            </Button>
          )}
        </Group>
      </Group>
      <UnitSearch />
      <Card withBorder padding="sm">
        {units.length === 0 ? (
          <Text c="dimmed" data-testid="tree-empty">
            {t('tree.emptyOnDate', { date: formatDate(asOf, i18n.language) })}
          </Text>
        ) : (
          <UnitTree units={units} onAddUnder={mayAdd ? setAdding : undefined} />
        )}
      </Card>
      {modal}
    </Stack>
  );
}
