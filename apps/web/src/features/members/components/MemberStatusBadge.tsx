import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../../app/StatusBadge';

const COLORS: Record<string, string> = {
  applicant: 'gray',
  admitted: 'yellow',
  probationary: 'blue',
  official: 'teal',
  left: 'red',
};

/** A member's status in the UI language (left: with the reason when known). */
export function MemberStatusBadge({
  status,
  exitReason,
  testId,
}: {
  status: string;
  exitReason?: string | null;
  testId?: string;
}) {
  const { t } = useTranslation();
  const label = t(`memberStatus.${status}`, { defaultValue: status });
  return (
    <StatusBadge color={COLORS[status] ?? 'gray'} data-testid={testId} data-status={status}>
      {status === 'left' && exitReason
        ? `${label} · ${t(`exitReason.${exitReason}`, { defaultValue: exitReason })}`
        : label}
    </StatusBadge>
  );
}
