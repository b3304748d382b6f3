import { useTranslation } from 'react-i18next';
import type { OrderState } from '../../../api/types';
import { StatusBadge } from '../../../app/StatusBadge';

const COLORS: Record<OrderState, string> = { draft: 'gray', planned: 'blue', 'in-effect': 'teal' };

/** Draft, planned (applied, effective later) or in effect. */
export function OrderStateBadge({ state }: { state: OrderState }) {
  const { t } = useTranslation();
  return (
    <StatusBadge color={COLORS[state]} data-testid="order-state">
      {t(`orders.state.${state}`)}
    </StatusBadge>
  );
}
