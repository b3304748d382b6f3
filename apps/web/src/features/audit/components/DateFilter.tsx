import { TextInput } from '@mantine/core';
import { useEffect, useRef } from 'react';
import type { IsoDate } from '../../../api/types';
import { isUsableDate } from '../../../lib/dates';

interface DateFilterProps {
  label: string;
  value: IsoDate | undefined;
  onChange: (date: IsoDate | undefined) => void;
  testId: string;
}

/**
 * A date bound of the filter. Uncontrolled, like the "as of" field, so typing a year digit by digit
 * is never interrupted; it follows the address when that changes elsewhere (clearing the filters).
 */
export function DateFilter({ label, value, onChange, testId }: DateFilterProps) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (input.current && input.current.value !== (value ?? '')) input.current.value = value ?? '';
  }, [value]);
  return (
    <TextInput
      ref={input}
      type="date"
      label={label}
      defaultValue={value ?? ''}
      onChange={(e) => {
        const v = e.currentTarget.value;
        if (!v) onChange(undefined);
        else if (isUsableDate(v)) onChange(v);
      }}
      data-testid={testId}
    />
  );
}
