import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { IsoDate } from '../../../api/types';
import { useKinds } from '../../rule-pack/hooks/use-kinds';
import { useUnit } from '../../units/hooks/use-units';

interface KindSelectProps {
  label: string;
  value: string;
  onChange: (kind: string) => void;
  /** The parent the unit will sit under: only kinds the rule pack allows there are offered. */
  parentId?: number | null;
  date: IsoDate;
  /** Offer "keep as it is" (an empty value). */
  blankLabel?: string;
  error?: string;
  disabled?: boolean;
  testId?: string;
}

/** Unit kinds in the UI language, limited by the rule pack to those allowed under the parent. */
export function KindSelect({
  label,
  value,
  onChange,
  parentId,
  date,
  blankLabel,
  error,
  disabled,
  testId,
}: KindSelectProps) {
  const { t } = useTranslation();
  const { kinds, allowedUnder, kindName } = useKinds();
  const parent = useUnit(parentId ?? null, date);
  const parentUnit = parent.data ? (parent.data.unit ?? parent.data.lastKnown) : null;
  const offered = parentUnit ? allowedUnder(parentUnit.kind, date) : kinds;
  const data = [
    { value: '', label: blankLabel ?? t('kind.choose'), disabled: !blankLabel },
    ...offered.map((k) => ({ value: k.code, label: kindName(k.code) })),
  ];
  // A kind already chosen stays visible even if the parent changed, so the server can explain the problem.
  if (value && !offered.some((k) => k.code === value)) data.push({ value, label: kindName(value) });
  return (
    <NativeSelect
      label={label}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={data}
      error={error}
      disabled={disabled}
      data-testid={testId}
    />
  );
}
