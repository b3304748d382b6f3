import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../../../api/client';
import type { OrderState, ReorgOperation } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useAsOf } from '../../../app/as-of';
import { formatDate } from '../../../lib/dates';
import { useAccess } from '../../auth/hooks/use-session';
import { useOrders } from '../hooks/use-orders';
import { OrderStateBadge } from './OrderStateBadge';

type Filter = OrderState | 'all';

/** Every reorganization order, newest first, with its state and decision reference. */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { withAsOf } = useAsOf();
  const lang = i18n.language;
  const [filter, setFilter] = useState<Filter>('all');
  const orders = useOrders(filter === 'all' ? undefined : filter);
  const mayWrite = useAccess().can('orders.write');
  /** "Create a unit ×9, Merge": one entry per operation type, in the order they first appear. */
  const summarize = (operations: ReorgOperation[]) => {
    const counts = new Map<string, number>();
    for (const op of operations) counts.set(op.type, (counts.get(op.type) ?? 0) + 1);
    return [...counts]
      .map(([type, count]) =>
        count > 1 ? `${t(`operation.type.${type}`)} ×${count}` : t(`operation.type.${type}`),
      )
      .join(', ');
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('orders.title')}</Title>
        {mayWrite && (
          <Button component={Link} to={withAsOf('/orders/new')} data-testid="new-order">
            {t('orders.new')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('orders.intro')}
      </Text>
      <SegmentedControl
        value={filter}
        onChange={(v) => setFilter(v as Filter)}
        aria-label={t('orders.filter')}
        data={[
          { value: 'all', label: t('orders.state.all') },
          { value: 'draft', label: t('orders.state.draft') },
          { value: 'planned', label: t('orders.state.planned') },
          { value: 'in-effect', label: t('orders.state.in-effect') },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <Card withBorder padding={0}>
        {orders.isPending && (
          <Group p="md">
            <Loader size="sm" />
            <Text>{t('common.loading')}</Text>
          </Group>
        )}
        {orders.isError && (
          <Alert color="red" m="md">
            {errorMessage(orders.error)}
          </Alert>
        )}
        {orders.data && orders.data.items.length === 0 && (
          <Text p="md" c="dimmed">
            {t('orders.empty')}
          </Text>
        )}
        {orders.data && orders.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('order.effectiveDate')}</Table.Th>
                  <Table.Th>{t('order.title')}</Table.Th>
                  <Table.Th>{t('orders.decision')}</Table.Th>
                  <Table.Th>{t('orders.operations')}</Table.Th>
                  <Table.Th>{t('orders.stateColumn')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orders.data.items.map((o) => (
                  <Table.Tr key={o.id} data-testid={`order-row-${o.id}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(o.effectiveDate, lang)}</Table.Td>
                    <Table.Td>
                      <AppLink to={`/orders/${o.id}`}>
                        {o.title || t('orders.untitled', { id: o.id })}
                      </AppLink>
                    </Table.Td>
                    <Table.Td>
                      {o.decision?.number ? (
                        <Stack gap={0}>
                          <Text size="sm">
                            <bdi>{o.decision.number}</bdi>
                          </Text>
                          <Text size="xs" c="dimmed">
                            {[o.decision.date ? formatDate(o.decision.date, lang) : null, o.decision.issuedBy]
                              .filter(Boolean)
                              .join(' · ')}
                          </Text>
                        </Stack>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{summarize(o.operations)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <OrderStateBadge state={o.state} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
