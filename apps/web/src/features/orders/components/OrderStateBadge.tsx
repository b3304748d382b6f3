import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrderState } from '../../../api/types';

const COLORS: Record<OrderState, string> = { draft: 'gray', planned: 'blue', 'in-effect': 'teal' };

/** Draft, planned (applied, effective later) or in effect. */
export function OrderStateBadge({ state }: { state: OrderState }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[state]} variant="light" style={{ textTransform: 'none' }} data-testid="order-state">
      {t(`orders.state.${state}`)}
    </Badge>
  );
}
