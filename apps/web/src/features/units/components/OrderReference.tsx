import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrderSummary } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { formatDate } from '../../../lib/dates';

/** "Decision 12-QĐ/TU of 1 Jul 2025 by …" with a link to the order. */
export function OrderReference({ order }: { order: OrderSummary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const parts: string[] = [];
  if (order.decisionNumber) parts.push(t('decision.numbered', { number: order.decisionNumber }));
  if (order.decisionDate) parts.push(t('decision.dated', { date: formatDate(order.decisionDate, lang) }));
  if (order.issuedBy) parts.push(t('decision.issuedByName', { name: order.issuedBy }));
  return (
    <Text size="sm" component="div">
      <AppLink to={`/orders/${order.id}`}>{order.title || t('orders.untitled', { id: order.id })}</AppLink>
      {parts.length > 0 && (
        <Text span size="sm" c="dimmed">
          {' — '}
          {parts.join(', ')}
        </Text>
      )}
    </Text>
  );
}
