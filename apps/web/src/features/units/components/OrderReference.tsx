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
  // U+2068/U+2069 isolate the decision number, so "12-QĐ/TU" keeps its order inside right-to-left text.
  if (order.decisionNumber)
    parts.push(t('decision.numbered', { number: `\u2068${order.decisionNumber}\u2069` }));
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
